import type { ServerProcess } from './server';
import type { TestTill } from './till';

/** Pairs a till with a store through a fresh enrolment code; `url` may be a fault proxy's. */
export async function pair(
  till: TestTill,
  server: ServerProcess,
  storeId: string,
  url = server.url,
  name = 'Till',
) {
  const code = await server.admin.enrollmentCode(storeId);
  return till.engine.registerDevice(url, code, name);
}

import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ShellError } from '../shared/ipc';
import {
  ApiErrorSchema,
  RegisterResponseSchema,
  StoreInfoSchema,
  type RegisterRequest,
} from '../shared/sync';
import { parseServerUrl } from './shell/config';

/**
 * Pairing a till with the chain's server: POST /v1/devices/register with a single-use enrolment
 * code and the till's own device id (so events written before pairing keep it), then keep the
 * answer (server address, store, device token) in `<dataDir>/pairing.json`, readable by this user
 * only. The token can be sealed by the OS keyring (Electron's safeStorage) when one is given.
 */

/** Seals secrets at rest (Electron's safeStorage); absent in the browser host. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

const PairingFileSchema = z.strictObject({
  version: z.literal(1),
  serverUrl: z.string(),
  deviceId: z.string(),
  storeId: z.string(),
  store: StoreInfoSchema,
  pairedAt: z.string(),
  token: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('plain'), value: z.string() }),
    z.strictObject({ kind: z.literal('sealed'), value: z.string() }),
  ]),
});

export interface Pairing {
  serverUrl: string;
  deviceId: string;
  storeId: string;
  store: z.infer<typeof StoreInfoSchema>;
  pairedAt: string;
  /** The device's bearer token for the sync API. Never logged, never sent to the renderer. */
  token: string;
}

export function pairingFile(dataDir: string): string {
  return join(dataDir, 'pairing.json');
}

export function loadPairing(dataDir: string, secrets?: SecretBox): Pairing | null {
  const file = pairingFile(dataDir);
  if (!existsSync(file)) return null;
  const parsed = PairingFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  if (parsed.token.kind === 'sealed' && !secrets) {
    throw new Error(`${file} holds a sealed token, but no keyring is available to open it.`);
  }
  const token = parsed.token.kind === 'sealed' ? secrets!.open(parsed.token.value) : parsed.token.value;
  const { version: _version, token: _token, ...rest } = parsed;
  return { ...rest, token };
}

export function savePairing(dataDir: string, pairing: Pairing, secrets?: SecretBox): void {
  const file = pairingFile(dataDir);
  const body = {
    version: 1 as const,
    serverUrl: pairing.serverUrl,
    deviceId: pairing.deviceId,
    storeId: pairing.storeId,
    store: pairing.store,
    pairedAt: pairing.pairedAt,
    token: secrets
      ? { kind: 'sealed' as const, value: secrets.seal(pairing.token) }
      : { kind: 'plain' as const, value: pairing.token },
  };
  // Write then rename: a power cut leaves the old file or the new one, never half of one.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flush: true });
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

export interface RegisterOptions {
  serverUrl: string;
  enrollmentCode: string;
  deviceName: string;
  deviceId: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  clock?: () => Date;
}

/** Registers the till with the server; ShellError pairing_failed or server_unreachable on failure. */
export async function registerDevice({
  serverUrl: serverText,
  enrollmentCode,
  deviceName,
  deviceId,
  fetch: fetchImpl = fetch,
  timeoutMs = 15_000,
  clock = () => new Date(),
}: RegisterOptions): Promise<Pairing> {
  const serverUrl = parseServerUrl(serverText);
  if (serverUrl === null) {
    throw new ShellError(
      'pairing_failed',
      'The server address must start with https:// (http:// only for this machine).',
      'serverUrl',
    );
  }
  const body: RegisterRequest = { enrollmentCode, name: deviceName, deviceId };
  let response: Response;
  try {
    response = await fetchImpl(`${serverUrl}/v1/devices/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new ShellError(
      'server_unreachable',
      `${serverUrl} could not be reached (${(error as Error).message}).`,
    );
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Reported below with the status.
  }
  if (!response.ok) {
    const apiError = ApiErrorSchema.safeParse(json);
    const detail = apiError.success ? apiError.data.error.message : `HTTP ${response.status}`;
    if (response.status >= 500 || response.status === 429) {
      throw new ShellError('server_unreachable', `The server could not pair this kiosk now: ${detail}`);
    }
    throw new ShellError(
      'pairing_failed',
      `The server refused to pair this kiosk: ${detail}`,
      'enrollmentCode',
    );
  }
  const registered = RegisterResponseSchema.safeParse(json);
  if (!registered.success) {
    throw new ShellError('server_unreachable', `${serverUrl} answered, but not like a loyalty server.`);
  }
  const { data } = registered;
  return {
    serverUrl,
    deviceId: data.deviceId,
    storeId: data.storeId,
    store: data.store,
    pairedAt: clock().toISOString(),
    token: data.token,
  };
}

import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import { ADMIN_TOKEN, createAdminClient, type AdminClient } from '../fault/sync/support/server';
import { expect, repoRoot, startKioskHost, test as base, type KioskHost } from './fixtures';

/**
 * For the staff screens' specs: a kiosk of the test's own (the staff session and the manager PIN
 * live in the kiosk, so tests must not share one), and the central server in this process on an
 * in-memory PGlite on a free port, with the fault suite's admin client (tests/fault/sync/support).
 */

export interface TestServer {
  url: string;
  admin: AdminClient;
  close(): Promise<void>;
}

/** The server's own modules, loaded by URL: the kiosk's tsconfig does not compile the server's. */
interface ServerModules {
  app: { buildApp(options: { config: unknown; db: unknown }): Promise<ServerApp> };
  config: { loadConfig(env: Record<string, string>): unknown };
  database: { openPglite(options: { dataDir?: string }): Promise<{ close(): Promise<void> }> };
  migrate: { migrate(db: unknown): Promise<unknown> };
}

interface ServerApp {
  listen(options: { host: string; port: number }): Promise<string>;
  close(): Promise<void>;
  server: { address(): AddressInfo | string | null };
}

async function serverModules(): Promise<ServerModules> {
  const load = (path: string) => import(pathToFileURL(join(repoRoot, 'server', 'src', path)).href);
  const [app, config, database, migrate] = await Promise.all([
    load('app.ts'),
    load('config.ts'),
    load('db/database.ts'),
    load('db/migrate.ts'),
  ]);
  return { app, config, database, migrate } as ServerModules;
}

export async function startServerInProcess(): Promise<TestServer> {
  const { app: appModule, config: configModule, database, migrate: migrateModule } = await serverModules();
  const config = configModule.loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_IP: '1000000',
    RATE_LIMIT_PER_TOKEN: '1000000',
    RATE_LIMIT_REGISTER_PER_IP: '1000000',
  });
  const db = await database.openPglite({});
  await migrateModule.migrate(db);
  const app = await appModule.buildApp({ config, db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    admin: createAdminClient(url),
    async close() {
      await app.close();
      await db.close();
    },
  };
}

export const test = base.extend<{ ownKiosk: KioskHost }>({
  ownKiosk: async ({ page }, use) => {
    const host = await startKioskHost({ folderPrefix: 'kiosk-e2e-staff-' });
    await use(host);
    await page.close();
    await host.close();
  },
});

export { expect };

export const MANAGER_PIN = '482916';
export const CASHIER_PIN = '735104';

/** A kiosk whose manager (Maria) and, when asked, cashier (Carl) exist, nobody signed in. */
export async function seedStaff(kiosk: KioskHost['kiosk'], options: { cashier?: boolean } = {}) {
  await kiosk.staff.setupManager('Maria', MANAGER_PIN);
  if (options.cashier) await kiosk.staff.save({ name: 'Carl', role: 'cashier', pin: CASHIER_PIN });
  kiosk.staff.signOut();
}

/** From the customer screen: "Staff", the PIN typed on the on-screen keypad, "Sign in". */
export async function signIn(page: Page, pin: string) {
  await page.getByRole('button', { name: 'Staff', exact: true }).click();
  await expect(page.getByLabel('PIN', { exact: true })).toBeVisible();
  const keypad = page.getByRole('group', { name: 'Keypad' });
  for (const digit of pin) await keypad.getByRole('button', { name: digit, exact: true }).click();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** The page scrolls sideways nowhere: nothing is wider than the window (long strings, RTL). */
export async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(() => {
    // The kiosk's tsconfig for tests has no DOM types: the little of the DOM used here, typed.
    interface Box {
      tagName: string;
      className: unknown;
      getBoundingClientRect(): { width: number; left: number; right: number };
      closest(selector: string): unknown;
    }
    const doc = (
      globalThis as unknown as {
        document: {
          documentElement: { clientWidth: number };
          querySelectorAll(selector: string): ArrayLike<Box>;
        };
      }
    ).document;
    const width = doc.documentElement.clientWidth;
    return Array.from(doc.querySelectorAll('.staff *'))
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && (box.right > width + 1 || box.left < -1);
      })
      .filter((element) => !element.closest('.visually-hidden'))
      .map((element) => `${element.tagName.toLowerCase()}.${String(element.className)}`)
      .slice(0, 5);
  });
  expect(overflow).toEqual([]);
}

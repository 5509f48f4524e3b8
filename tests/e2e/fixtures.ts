import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base } from '@playwright/test';
import { startBrowserHost } from '../../src/main/browser-host/server';
import { seedDemoCustomer } from '../../src/main/demo';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createHandlers } from '../../src/main/ipc/handlers';
import { openKiosk, type Kiosk, type OpenKioskOptions } from '../../src/main/kiosk';
import { memoryLog } from '../../src/main/logging';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The built renderer: out/renderer, or E2E_RENDERER_DIR (a build made with `electron-vite build --outDir`). */
export const rendererDir = process.env['E2E_RENDERER_DIR'] ?? join(repoRoot, 'out', 'renderer');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves a built folder over http://127.0.0.1 on a free port (ES modules do not load from
 * file://). Only files inside the folder are served; anything else is a 404.
 */
export async function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(dir, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(dir + sep) || request.method !== 'GET') {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const type = contentTypes[extname(file)] ?? 'application/octet-stream';
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export interface KioskHost {
  url: string;
  /** The kiosk behind the page, so a test can check what reached its SQLite ledger. */
  kiosk: Kiosk;
}

/**
 * `kioskHost`: the built renderer behind the browser host, with the kiosk's real services on a
 * SQLite ledger in a temp folder (a US store, the demo customer enrolled), once per worker.
 * `rendererUrl`: its URL. `staticUrl`: the built renderer alone, with no window.kiosk.
 */
/**
 * The built renderer behind the browser host, with the kiosk's real services on a SQLite ledger in
 * a new temp folder (a US store, the demo customer enrolled). `close` stops it and removes the folder.
 */
export async function startKioskHost(options: {
  folderPrefix: string;
  pos?: OpenKioskOptions['pos'];
}): Promise<KioskHost & { close(): Promise<void> }> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`No built renderer at ${rendererDir}: run \`npm run build\` first.`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), options.folderPrefix));
  const log = memoryLog();
  const kiosk = openKiosk({
    dataDir,
    config: { store: { country: 'US', currency: 'USD', timeZone: 'America/New_York' } },
    host: 'browser',
    appVersion: 'e2e',
    log,
    ...(options.pos === undefined ? {} : { pos: options.pos }),
  });
  seedDemoCustomer(kiosk, log);
  const dispatch = createDispatcher({ handlers: createHandlers(kiosk), log, activity: kiosk.activity });
  const host = await startBrowserHost({ dispatch, rendererDir, port: 0, log });
  return {
    url: host.url,
    kiosk,
    async close() {
      await host.close();
      await kiosk.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Adds a member of staff straight through the kiosk's staff service (no screen): the first manager
 * of a new kiosk, or anyone once one exists. Leaves nobody signed in, as a page load would find it.
 */
export async function seedStaff(
  kiosk: Kiosk,
  member: { name: string; role: 'cashier' | 'manager'; pin: string },
): Promise<{ staffId: string }> {
  let staffId: string;
  if (!kiosk.staff.state().managerPinSet) {
    if (member.role !== 'manager') {
      // Members are added by a manager: a kiosk's first member is one.
      await kiosk.staff.setupManager('E2E manager', '99999999');
      staffId = (await kiosk.staff.save(member)).staffId;
    } else {
      staffId = (await kiosk.staff.setupManager(member.name, member.pin)).session!.staffId;
    }
  } else {
    staffId = (await kiosk.staff.save(member)).staffId;
  }
  kiosk.staff.signOut();
  return { staffId };
}

export const test = base.extend<object, { kioskHost: KioskHost; rendererUrl: string; staticUrl: string }>({
  kioskHost: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring
    async ({}, use) => {
      const host = await startKioskHost({ folderPrefix: 'kiosk-e2e-' });
      await use(host);
      await host.close();
    },
    { scope: 'worker' },
  ],
  rendererUrl: [async ({ kioskHost }, use) => use(kioskHost.url), { scope: 'worker' }],
  staticUrl: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring
    async ({}, use) => {
      const server = await serveStatic(rendererDir);
      await use(server.url);
      await server.close();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';

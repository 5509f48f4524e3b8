import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { type TestDatabase, openTestDatabase } from './support/harness';

/** The auto-update feed the kiosks' electron-updater reads (generic provider at /updates/). */

let database: TestDatabase;
let folder: string;
let app: FastifyInstance;
const installer = Buffer.from(Array.from({ length: 4096 }, (_v, i) => i % 251));

beforeAll(async () => {
  database = await openTestDatabase();
  folder = mkdtempSync(join(tmpdir(), 'kiosk-updates-'));
  writeFileSync(join(folder, 'latest-linux.yml'), 'version: 0.2.0\npath: kiosk-0.2.0.AppImage\n');
  writeFileSync(join(folder, 'kiosk-0.2.0.AppImage'), installer);
  writeFileSync(join(folder, '.secret'), 'not for kiosks');
  app = await buildApp({ config: loadConfig({ UPDATES_DIR: folder }), db: database.db });
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
  rmSync(folder, { recursive: true, force: true });
});

describe('GET /updates/', () => {
  it('serves the feed and the installer from UPDATES_DIR, not cached', async () => {
    const feed = await app.inject({ method: 'GET', url: '/updates/latest-linux.yml' });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain('version: 0.2.0');
    expect(feed.headers['cache-control']).toMatch(/max-age=0/);
    const file = await app.inject({ method: 'GET', url: '/updates/kiosk-0.2.0.AppImage' });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(installer)).toBe(true);
  });

  it('answers Range requests, which differential downloads use', async () => {
    const part = await app.inject({
      method: 'GET',
      url: '/updates/kiosk-0.2.0.AppImage',
      headers: { range: 'bytes=100-199' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.equals(installer.subarray(100, 200))).toBe(true);
  });

  it('refuses paths outside the folder, dotfiles and folder listings', async () => {
    for (const url of [
      '/updates/../package.json',
      '/updates/%2e%2e/%2e%2e/etc/passwd',
      '/updates/..%2fpackage.json',
      '/updates/.secret',
      '/updates/',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect([403, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain('not for kiosks');
      expect(res.body, url).not.toContain('root:');
    }
  });

  it('says how to turn it on when UPDATES_DIR is not set', async () => {
    const plain = await buildApp({ config: loadConfig({}), db: database.db });
    try {
      const res = await plain.inject({ method: 'GET', url: '/updates/latest.yml' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toMatch(/UPDATES_DIR/);
    } finally {
      await plain.close();
    }
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from './helpers';

// `npm start` without Electron (there is no binary here): build, central server on PGlite,
// automatic pairing, browser host. `--smoke` checks the kiosk answers and is paired, then stops
// everything, so this test also proves npm start cleans up after itself and cannot hang.

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const demoDir = mkdtempSync(join(tmpdir(), 'kiosk-demo-'));
afterAll(() => rmSync(demoDir, { recursive: true, force: true }));

async function runSmoke(): Promise<{ code: number | null; output: string }> {
  const env = {
    ...process.env,
    DEMO_DATA_DIR: demoDir,
    DEMO_SERVER_PORT: String(await freePort()),
    KIOSK_HTTP_PORT: String(await freePort()),
    ELECTRON_OVERRIDE_DIST_PATH: join(demoDir, 'no-electron-here'),
  };
  const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs'), '--smoke'], {
    cwd: repoRoot,
    env,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

it('starts the server and the kiosk, pairs them, answers, and stops', { timeout: 180_000 }, async () => {
  const first = await runSmoke();
  expect(first.output).toContain("Electron's binary is not installed here");
  expect(first.output.match(/Electron's binary/g)).toHaveLength(1);
  expect(first.output).toMatch(/Kiosk \(browser host\) ready: http:\/\/127\.0\.0\.1:\d+\//);
  expect(first.output).toContain('paired with http://127.0.0.1:');
  expect(first.output).toContain('The sync engine is not built yet');
  expect(first.output).toContain('smoke check passed');
  expect(first.code).toBe(0);

  // A second start finds the pairing and the ledger from the first.
  const second = await runSmoke();
  expect(second.output).toContain('already paired');
  expect(second.code).toBe(0);
});

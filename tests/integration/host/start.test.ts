import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoRoot } from './helpers';

// `npm start` without Electron (there is no binary here): build, central server on PGlite,
// automatic pairing, browser host, sync engine. `--smoke` makes a check-in through the browser
// host's API and exits 0 only once the server's admin API says it holds that check-in, then stops
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

let serverPort: number | undefined;

async function runSmoke(): Promise<{ code: number | null; output: string }> {
  const env = {
    ...process.env,
    DEMO_DATA_DIR: demoDir,
    // The same server address every run, as `npm start` has (the kiosk stays paired with it).
    DEMO_SERVER_PORT: String((serverPort ??= await freePort())),
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

it('starts the server and the kiosk, pairs them, answers, and stops', { timeout: 240_000 }, async () => {
  const first = await runSmoke();
  expect(first.output).toContain("Electron's binary is not installed here");
  expect(first.output.match(/Electron's binary/g)).toHaveLength(1);
  expect(first.output).toMatch(/Kiosk \(browser host\) ready: http:\/\/127\.0\.0\.1:\d+\//);
  expect(first.output).toContain('paired with http://127.0.0.1:');
  expect(first.output).not.toContain('not built yet');
  expect(first.output).toMatch(
    /checked in \(212\) 555-0147 with receipt DEMO-\S+: \d+ points, event [0-9a-f-]{36} in/,
  );
  expect(first.output).toMatch(/check-in DEMO-\S+ reached the server in \d+\.\d s/);
  expect(first.output).toContain('smoke check passed');
  expect(first.code).toBe(0);

  // A second start finds the pairing and the ledger from the first, and syncs a new check-in.
  const second = await runSmoke();
  expect(second.output).toContain('already paired');
  expect(second.output).toMatch(/check-in DEMO-\S+ reached the server in \d+\.\d s/);
  expect(second.code).toBe(0);
});

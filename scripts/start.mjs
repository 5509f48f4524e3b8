// `npm start`: the whole demo on this machine, in one command.
//
//  1. builds the kiosk (electron-vite build);
//  2. starts the central server on PGlite (data/demo/server) on 127.0.0.1:$DEMO_SERVER_PORT (5191)
//     with a fresh random ADMIN_TOKEN;
//  3. pairs the kiosk the first time: creates the store "Demo café" and a single-use enrolment
//     code through the admin API, and hands both to the kiosk, which registers itself;
//  4. starts the kiosk in Electron, or, where Electron's binary is missing, says so in one line and
//     serves the same kiosk through the browser host on http://127.0.0.1:$KIOSK_HTTP_PORT (5190).
//
// Data stays in data/demo between runs (delete the folder to start over). Ctrl+C stops everything.
//  5. makes one demo check-in through the kiosk's API (browser host) and prints when the server
//     has it, by asking the server's admin API how far it holds the till's events; after that it
//     prints each time the server receives more (check-ins made in the page or the window).
//
// `npm start -- --smoke` does all of it with the browser host, exits 0 only when the demo
// check-in reached the server (within DEMO_REACH_SECONDS, 60), and gives up after
// DEMO_SMOKE_SECONDS (170) whatever happens (used by tests/integration/host/start.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const smoke = process.argv.includes('--smoke');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const demoDir = join(process.env.DEMO_DATA_DIR ?? join(root, 'data', 'demo'));
const serverDataDir = join(demoDir, 'server');
const kioskDataDir = join(demoDir, 'kiosk');
const serverPort = Number(process.env.DEMO_SERVER_PORT ?? 5191);
const kioskPort = process.env.KIOSK_HTTP_PORT ?? '5190';
const serverUrl = `http://127.0.0.1:${serverPort}`;
const adminToken = randomBytes(32).toString('base64url');
const children = new Set();

const say = (text) => console.log(`npm start: ${text}`);

if (smoke) {
  // The smoke run must never hang CI, whatever hangs inside it.
  const seconds = Number(process.env.DEMO_SMOKE_SECONDS ?? 170);
  setTimeout(() => {
    console.error(`npm start: the smoke check did not finish within ${seconds} s; stopping.`);
    stopping = true;
    stopAll(1);
  }, seconds * 1000).unref();
}

function stopAll(code) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
  const wait = setInterval(() => {
    if ([...children].every((child) => child.exitCode !== null || child.signalCode !== null)) {
      clearInterval(wait);
      process.exit(code);
    }
  }, 50);
}

function fail(message) {
  console.error(`npm start: ${message}`);
  stopAll(1);
  throw new Error(message);
}

function start(command, args, env, name) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`npm start: the ${name} stopped (${signal ?? `exit ${code}`}); stopping the rest.`);
      stopAll(code === 0 ? 0 : 1);
    }
  });
  return child;
}

/** The Electron binary, found without requiring the electron package (that would try to download it). */
function electronBinary() {
  try {
    const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(packageDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(
      process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist'),
      readFileSync(pathFile, 'utf8').trim(),
    );
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

async function admin(method, path, body) {
  const response = await fetch(`${serverUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const json = await response.json().catch(() => null);
  if (!response.ok)
    fail(`the server's admin API answered ${response.status} to ${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

async function waitFor(url, what, seconds = 60) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (stopping) return;
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`the ${what} did not answer at ${url} within ${seconds} s.`);
}

const DEMO_PHONE = '(212) 555-0147';
/** How long the demo waits for its check-in to reach the server (npm start promises a minute). */
const REACH_SECONDS = Number(process.env.DEMO_REACH_SECONDS ?? 60);

/** One call of the kiosk's contract through the browser host's HTTP API; the value or an error. */
async function kioskApi(url, token, channel, input) {
  const response = await fetch(`${url}api/v1/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kiosk-token': token },
    body: JSON.stringify(input === undefined ? {} : { input }),
    signal: AbortSignal.timeout(15_000),
  });
  const answer = await response.json();
  if (!answer.ok) fail(`the kiosk refused ${channel}: ${answer.message}`);
  return answer.value;
}

/** The server's own record of how far it holds a till's events (every seq up to lastSeq). */
async function serverLastSeq(storeId, deviceId) {
  const { devices } = await admin('GET', `/v1/admin/devices?storeId=${encodeURIComponent(storeId)}`);
  return devices.find((device) => device.deviceId === deviceId)?.lastSeq ?? 0;
}

/**
 * The demo's proof: one check-in of the demo customer, written through the kiosk's API exactly as
 * the page writes it, then the server's admin API asked (every 250 ms, at most REACH_SECONDS) until
 * the server holds the check-in's event. Returns whether it arrived and how long it took.
 */
async function demoCheckIn(call, status) {
  const receiptId = `DEMO-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(2).toString('hex')}`;
  const before = await serverLastSeq(status.pairing.storeId, status.deviceId);
  const started = Date.now();
  const result = await call('checkin:create', {
    phone: DEMO_PHONE,
    sale: { receiptId, total: { amount: 1250, currency: status.store.currency } },
  });
  if (result.status !== 'checked_in') fail(`the demo check-in was not written: ${JSON.stringify(result)}`);
  say(
    `checked in ${DEMO_PHONE} with receipt ${receiptId}: ${result.pointsEarned} points, event ${result.eventId} in the kiosk's ledger; waiting for the server to have it…`,
  );
  // The history is a staff channel, so the check-in's seq is not asked for: the server has it once
  // it holds more of this till's events than before and the kiosk has nothing left to send.
  const until = started + REACH_SECONDS * 1000;
  let lastSeq = before;
  while (!stopping) {
    lastSeq = await serverLastSeq(status.pairing.storeId, status.deviceId);
    const { ledger } = lastSeq > before ? await call('kiosk:status') : { ledger: null };
    if (ledger && ledger.pendingEvents === 0) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      say(
        `check-in ${receiptId} reached the server in ${seconds} s (the server holds this till's events up to #${lastSeq}).`,
      );
      return { reached: true, seconds, lastSeq };
    }
    if (Date.now() >= until) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const now = await call('kiosk:status');
  const message = `check-in ${receiptId} did not reach the server within ${REACH_SECONDS} s (the server holds this till's events up to #${lastSeq}); the kiosk says: ${now.sync.note}`;
  if (!smoke) say(message);
  return { reached: false, message, lastSeq };
}

/**
 * While the demo runs: say each time the server receives more of the till's events (of one device,
 * or of every device of the store when the kiosk's id is not known here, as with Electron).
 */
async function watchServer(storeId, deviceId, from) {
  let known = from;
  while (!stopping) {
    try {
      const response = await fetch(`${serverUrl}/v1/admin/devices?storeId=${encodeURIComponent(storeId)}`, {
        headers: { authorization: `Bearer ${adminToken}` },
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { devices } = await response.json();
      const lastSeq = devices
        .filter((device) => deviceId === null || device.deviceId === deviceId)
        .reduce((sum, device) => sum + device.lastSeq, 0);
      if (known !== null && lastSeq > known) {
        const count = lastSeq - known;
        say(
          `the server received ${count} more event${count === 1 ? '' : 's'} from the kiosk (a check-in is one).`,
        );
      }
      known = lastSeq;
    } catch {
      // The server is stopping, or busy: look again.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

let stopping = false;
process.on('SIGINT', () => {
  stopping = true;
  stopAll(0);
});
process.on('SIGTERM', () => {
  stopping = true;
  stopAll(0);
});

// 1. Build.
say('building the kiosk (electron-vite build)…');
const build = spawnSync(npm, ['run', '--silent', 'build'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (build.status !== 0) fail('the build failed (see above).');

// 2. The central server on PGlite.
mkdirSync(serverDataDir, { recursive: true });
// The server serves kiosk updates from this folder (empty in the demo) and wants it to exist.
mkdirSync(join(demoDir, 'updates'), { recursive: true });
say(`starting the central server on ${serverUrl} (PGlite in ${serverDataDir})…`);
const server = start(
  process.execPath,
  ['--import', 'tsx', join(root, 'server', 'src', 'index.ts')],
  {
    PORT: String(serverPort),
    HOST: '127.0.0.1',
    DATA_DIR: serverDataDir,
    DATABASE_URL: '',
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'warn',
    UPDATES_DIR: join(demoDir, 'updates'),
  },
  'server',
);
server.stdout.on('data', (chunk) => process.stdout.write(`[server] ${chunk}`));
server.stderr.on('data', (chunk) => process.stderr.write(`[server] ${chunk}`));
await waitFor(`${serverUrl}/readyz`, 'server');

// 3. Pairing: a store and an enrolment code, the first time only.
const kioskEnv = {
  KIOSK_DATA_DIR: kioskDataDir,
  KIOSK_HTTP_PORT: kioskPort,
  KIOSK_SERVER_URL: serverUrl,
  KIOSK_DEMO: '1',
  KIOSK_WINDOWED: process.env.KIOSK_WINDOWED ?? '1',
};
// The kiosk keeps its device token in `device-token` (pairing.json: kiosks paired before sync).
const { stores } = await admin('GET', '/v1/admin/stores');
const demoStore =
  stores.find((candidate) => candidate.name === 'Demo café') ??
  (await admin('POST', '/v1/admin/stores', {
    name: 'Demo café',
    country: 'US',
    currency: 'USD',
    timeZone: 'America/New_York',
  }));
if (['device-token', 'pairing.json'].some((file) => existsSync(join(kioskDataDir, file)))) {
  say('the kiosk is already paired with the demo server (from an earlier run).');
} else {
  const store = demoStore;
  const { code } = await admin('POST', `/v1/admin/stores/${store.storeId}/enrollment-codes`, { ttlHours: 1 });
  kioskEnv.KIOSK_ENROLLMENT_CODE = code;
  kioskEnv.KIOSK_DEVICE_NAME = 'Demo till';
  say(`created the store "Demo café" and a single-use enrolment code; the kiosk pairs itself with it.`);
}

// 4. The kiosk: Electron where its binary exists, else the browser host.
const binary = electronBinary();
if (binary && !smoke) {
  say(`starting the kiosk in Electron (${binary}), windowed; KIOSK_WINDOWED=0 for kiosk mode.`);
  // better-sqlite3 is compiled for Node (tests, browser host); Electron needs its own build.
  const rebuild = spawnSync(npm, ['exec', '--', 'electron-builder', 'install-app-deps'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (rebuild.status !== 0)
    fail('could not build better-sqlite3 for Electron (electron-builder install-app-deps).');
  const kiosk = start(
    binary,
    [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), join(root, 'out', 'main', 'index.js')],
    kioskEnv,
    'kiosk',
  );
  kiosk.stdout.on('data', (chunk) => process.stdout.write(`[kiosk] ${chunk}`));
  kiosk.stderr.on('data', (chunk) => process.stderr.write(`[kiosk] ${chunk}`));
  say(
    `check in ${DEMO_PHONE} in the kiosk's window; each check-in is printed here when the server has it. Ctrl+C stops the kiosk and the server.`,
  );
  void watchServer(demoStore.storeId, null, null);
  kiosk.on('exit', () => {
    say('putting back the Node build of better-sqlite3 for the tests (npm rebuild better-sqlite3)…');
    spawnSync(npm, ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit' });
  });
} else {
  if (!binary) {
    say(
      "Electron's binary is not installed here (node_modules/electron/dist is missing), so the kiosk runs in your browser instead; to get Electron, run `node node_modules/electron/install.js` where Electron's downloads (github.com) can be reached.",
    );
  }
  const kiosk = start(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'main', 'browser-host', 'main.ts')],
    kioskEnv,
    'kiosk',
  );
  kiosk.stderr.on('data', (chunk) => process.stderr.write(`[kiosk] ${chunk}`));
  let output = '';
  kiosk.stdout.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  const until = Date.now() + 60_000;
  while (!/ready: (http:\S+)/.test(output) && Date.now() < until && kiosk.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /ready: (http:\S+)/.exec(output)?.[1];
  if (!url) fail('the kiosk did not say it was ready.');
  const page = await (await fetch(url)).text();
  const token = /name="kiosk-host-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
  const call = (channel, input) => kioskApi(url, token, channel, input);
  const status = await call('kiosk:status');
  if (!status.pairing.paired) fail(`the kiosk is not paired: ${status.pairingError ?? status.sync.note}`);
  if (status.pairing.serverUrl !== serverUrl) {
    fail(
      `the kiosk in ${kioskDataDir} is paired with ${status.pairing.serverUrl}, not this run's server ${serverUrl}: run with the same DEMO_SERVER_PORT, or delete ${demoDir} to start over.`,
    );
  }
  const sent = await demoCheckIn(call, status);
  if (smoke) {
    if (!sent.reached) fail(sent.message);
    say(
      `smoke check passed: the kiosk answers at ${url}, is paired as device ${status.deviceId}, and its check-in reached the server in ${sent.seconds} s.`,
    );
    stopping = true;
    stopAll(0);
  } else {
    say(
      `Open ${url} in a browser and check in ${DEMO_PHONE}; each check-in is printed here when the server has it. Ctrl+C stops the kiosk and the server.`,
    );
    void watchServer(status.pairing.storeId, status.deviceId, sent.lastSeq);
  }
}

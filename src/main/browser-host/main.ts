// `npm run start:web`: the kiosk's services and its built renderer behind the browser host
// (server.ts) on http://127.0.0.1:$KIOSK_HTTP_PORT (5190 by default). Run after `npm run build`.
// Same environment as the Electron kiosk (src/main/shell/config.ts); data in $KIOSK_DATA_DIR,
// ./data/kiosk-web by default. Stops cleanly on Ctrl+C or SIGTERM.
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seedDemoCustomer } from '../demo';
import { createDispatcher } from '../ipc/dispatch';
import { createHandlers } from '../ipc/handlers';
import { openKiosk } from '../kiosk';
import { createFileLog } from '../logging';
import { ConfigError, readConfig } from '../shell/config';
import { startBrowserHost } from './server';

const root = resolve(import.meta.dirname, '../../..');
// KIOSK_RENDERER_DIR: another built renderer (tests); the build in out/renderer by default.
const rendererDir = resolve(process.env['KIOSK_RENDERER_DIR'] ?? join(root, 'out', 'renderer'));

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.error(
      `No built renderer in ${rendererDir}: run \`npm run build\` first (npm run start:web does).`,
    );
    process.exit(1);
  }
  const dataDir = resolve(config.dataDir ?? join(root, 'data', 'kiosk-web'));
  const log = createFileLog({ dir: join(dataDir, 'logs') });
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

  const kiosk = openKiosk({ dataDir, config, host: 'browser', appVersion: version, log });
  await kiosk.pairFromConfig();
  const demoPhone = process.env['KIOSK_DEMO'] === '1' ? seedDemoCustomer(kiosk, log) : null;

  const dispatch = createDispatcher({
    handlers: createHandlers(kiosk),
    log,
    activity: kiosk.activity,
    staff: kiosk.staff,
  });
  let host;
  try {
    host = await startBrowserHost({
      dispatch,
      rendererDir,
      port: config.httpPort,
      log,
      onRequest: kiosk.activity.touch,
    });
  } catch (error) {
    await kiosk.dispose();
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${config.httpPort} on 127.0.0.1 is in use: stop the other kiosk or set KIOSK_HTTP_PORT.`
        : `The browser host could not start: ${(error as Error).message}`,
    );
    process.exit(1);
  }

  const status = kiosk.status();
  console.log(`Kiosk (browser host) ready: ${host.url}`);
  console.log(`  data ${dataDir}, log ${log.file}`);
  console.log(
    `  store ${status.store.country} ${status.store.currency} ${status.store.timeZone} (${status.storeSource}), device ${status.deviceId}`,
  );
  console.log(
    status.pairing.paired
      ? `  paired with ${status.pairing.serverUrl} as a till of "${status.pairing.storeName}"; sync runs`
      : `  not paired${status.pairingError ? `: ${status.pairingError}` : ''}`,
  );
  console.log(`  sync: ${status.sync.note}`);
  if (!status.ledger.healthy) console.log(`  LEDGER PROBLEMS: ${status.ledger.problems.join(' ')}`);
  if (demoPhone) console.log(`  demo customer: type ${demoPhone} and press Check in`);
  console.log('  Ctrl+C stops it.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('browser_host_stopping', { signal });
    host
      .close()
      .then(() => kiosk.dispose())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();

// `npm start`. Until the Electron-shell issue finishes the kiosk app (the app:// protocol, IPC and
// the screens wired to the ledger), this runs the till's ledger demo (scripts/ledger-demo.ts):
// the ledger service in plain Node on a local SQLite file, printing what it does.
// The Electron window itself needs an Electron binary, which cannot be downloaded on our machines.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const demo = fileURLToPath(new URL('./ledger-demo.ts', import.meta.url));

console.log('npm start: the kiosk window is not wired up yet, so this runs the till ledger demo');
console.log('(npm run ledger-demo). The placeholder check-in screen is built by `npm run build`');
console.log('into out/renderer and exercised by the end-to-end tests (`npm test`).\n');

if (!existsSync(demo)) {
  console.error('npm start: scripts/ledger-demo.ts does not exist yet, so there is nothing to run.');
  console.error('Try `npm test` (every check) or `npm run build` (the placeholder screen) instead.');
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['run', '--silent', 'ledger-demo', '--', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

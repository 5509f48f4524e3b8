// `npm run dist`: installers of the kiosk (AppImage and deb on Linux, nsis on Windows) in dist/.
// Needs network access to Electron's downloads (electron-builder fetches Electron for the target
// platform, and better-sqlite3 is rebuilt against Electron's headers); it cannot run on machines
// where github.com and electronjs.org are unreachable. Extra arguments go to electron-builder,
// e.g. `npm run dist -- --linux deb` or `npm run dist -- --win`.
// electron-builder rebuilds better-sqlite3 in node_modules for Electron; this script builds it for
// Node again afterwards, so `npm test` and the browser host keep working.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

let status = run(npm, ['run', 'build']);
if (status === 0) {
  const targets = process.argv.slice(2);
  status = run(npx, [
    'electron-builder',
    '--config',
    'electron-builder.json',
    '--publish',
    'never',
    ...targets,
  ]);
  console.log('dist: building better-sqlite3 for Node again (npm rebuild better-sqlite3)…');
  if (run(npm, ['rebuild', 'better-sqlite3']) !== 0) {
    console.error('dist: `npm rebuild better-sqlite3` failed; run it before `npm test`.');
    status ||= 1;
  }
}
if (status !== 0) {
  console.error(
    "dist: failed. It needs Electron's downloads (github.com, electronjs.org); see README, Packaging.",
  );
}
process.exit(status);

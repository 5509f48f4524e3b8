// `npm run bench:server [-- --json] [server bench options] [--events N] [--rounds N]`: the
// server's benchmark (server/bench/server.bench.ts: server_ingest_ratio, push_p99_ms), then the
// till's sync drain benchmark (bench/sync.bench.ts: sync_drain_ratio), one after the other, so
// issue 4's sync_drain_ratio is part of the server's run. `--json` goes to both; `--events` and
// `--rounds` go to the sync bench; every other argument goes to the server bench. Stops at the
// first bench that fails, with its exit code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const SYNC_ONLY = new Set(['--events', '--rounds']);

const serverArgs = [];
const syncArgs = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const name = arg.split('=')[0];
  if (arg === '--json') {
    serverArgs.push(arg);
    syncArgs.push(arg);
  } else if (SYNC_ONLY.has(name)) {
    syncArgs.push(arg);
    if (!arg.includes('=') && i + 1 < args.length) syncArgs.push(args[++i]);
  } else {
    serverArgs.push(arg);
  }
}

function run(label, npmArgs) {
  if (!args.includes('--json')) console.log(`bench:server: ${label}`);
  // --silent: npm's own "> script" lines would break the JSON lines on stdout.
  const result = spawnSync(npm, ['run', '--silent', ...npmArgs], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('the server benchmark (npm run bench --workspace server)', [
  'bench',
  '--workspace',
  'server',
  '--',
  ...serverArgs,
]);
run('the sync drain benchmark (npm run bench:sync)', ['bench:sync', '--', ...syncArgs]);

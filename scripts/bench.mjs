// `npm run bench [-- --json] [ledger options] [screens options]`: the till's ledger benchmark
// (bench/ledger.bench.ts: checkin_p50_ratio, balance_flatness, …), then the screens' benchmark
// (bench/renderer.bench.ts: renderer_js_gzip_kb, time_to_interactive_ms, keypress_to_paint_ms, …),
// one after the other. `--no-build`, `--runs` and `--presses` go to the screens' benchmark; every
// other argument (`--sizes`, `--dir`) goes to the ledger's, as before. Stops at the first
// benchmark that fails, with its exit code.
//
// Without --json each benchmark prints its own table. With --json both run with --json (one
// {"metric","value","unit"} a line each) and this prints ONE JSON object on stdout with every
// metric of both, by name: {"raw_tx_p50_us":163.2,…,"renderer_js_gzip_kb":87.29,…}. Units and
// targets are in docs/benchmarks.md. `npm run bench:ledger` / `npm run bench:renderer` run one alone.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
const RENDERER_ONLY = new Set(['--no-build']);
const RENDERER_WITH_VALUE = new Set(['--runs', '--presses']);

const args = process.argv.slice(2);
const json = args.includes('--json');
const ledgerArgs = [];
const rendererArgs = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const name = arg.split('=')[0];
  if (arg === '--json') {
    ledgerArgs.push(arg);
    rendererArgs.push(arg);
  } else if (RENDERER_ONLY.has(name)) {
    rendererArgs.push(arg);
  } else if (RENDERER_WITH_VALUE.has(name)) {
    rendererArgs.push(arg);
    if (!arg.includes('=') && i + 1 < args.length) rendererArgs.push(args[++i]);
  } else {
    ledgerArgs.push(arg);
  }
}

const merged = {};
function run(label, file, benchArgs) {
  if (!json) console.error(`bench: ${label}`);
  const result = spawnSync(tsx, [join('bench', file), ...benchArgs], {
    cwd: root,
    stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
  if (!json) return;
  for (const line of result.stdout.split('\n')) {
    if (!line.trim()) continue;
    const { metric, value } = JSON.parse(line);
    if (typeof metric !== 'string' || typeof value !== 'number')
      throw new Error(`${file} printed a line that is not a metric: ${line}`);
    if (metric in merged) throw new Error(`two benchmarks report the metric ${metric}`);
    merged[metric] = value;
  }
}

run('the ledger benchmark (bench/ledger.bench.ts)', 'ledger.bench.ts', ledgerArgs);
run("the screens' benchmark (bench/renderer.bench.ts)", 'renderer.bench.ts', rendererArgs);
if (json) console.log(JSON.stringify(merged));

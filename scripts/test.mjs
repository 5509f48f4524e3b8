// `npm test`: every check of the project, in order, stopping at the first failure.
// Each step prints a banner; the last line is a one-line summary. Exit code is non-zero on failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTALL_HINT, ensureChromium, findChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

function hasTestFiles(folder, pattern) {
  const dir = join(root, folder);
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((name) => pattern.test(String(name)));
}

function serverHasTests() {
  const file = join(root, 'server', 'package.json');
  if (!existsSync(file)) return false;
  return Boolean(JSON.parse(readFileSync(file, 'utf8')).scripts?.test);
}

/** A vitest project step; a project whose folder has no tests yet says so instead of failing. */
function vitestStep(project) {
  const folder = `tests/${project}`;
  return {
    name: `${project} tests (vitest, ${folder})`,
    run: () => {
      if (!hasTestFiles(folder, /\.test\.ts$/)) return `no test files in ${folder} yet`;
      run(npm, ['run', `test:${project}`]);
    },
  };
}

const steps = [
  { name: 'typecheck (tsc, node + web + server)', run: () => run(npm, ['run', 'typecheck']) },
  { name: 'lint (eslint, layer rules)', run: () => run(npm, ['run', 'lint']) },
  { name: 'format (prettier --check)', run: () => run(npm, ['run', 'format:check']) },
  vitestStep('unit'),
  vitestStep('integration'),
  vitestStep('fault'),
  {
    name: 'server tests (npm run test:server)',
    run: () => {
      if (!serverHasTests()) return 'server/package.json has no test script yet';
      run(npm, ['run', 'test:server']);
    },
  },
  { name: 'build (electron-vite build)', run: () => run(npm, ['run', 'build']) },
  {
    name: 'end-to-end (Playwright + Chromium)',
    run: () => {
      const chromium = ensureChromium();
      run(npx, ['playwright', 'test'], { ...process.env, CHROMIUM_PATH: chromium });
    },
  },
];

/** Says up front whether the last step will find a browser, so nobody waits to learn it. */
function chromiumPreflight() {
  try {
    const found = findChromium();
    if (found) return `Chromium for the end-to-end step: ${found.path} (${found.source})`;
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    return isRoot
      ? 'Chromium not found; the end-to-end step will install Debian\'s "chromium" package with apt-get.'
      : `Warning: the end-to-end step will fail. ${INSTALL_HINT}`;
  } catch (error) {
    return `Warning: the end-to-end step will fail. ${error instanceof Error ? error.message : String(error)}`;
  }
}

const started = Date.now();
console.log(chromiumPreflight());
let passed = 0;
const notes = [];
for (const [index, step] of steps.entries()) {
  const label = `[${index + 1}/${steps.length}] ${step.name}`;
  console.log(`\n━━ ${label}`);
  const stepStarted = Date.now();
  try {
    const note = step.run();
    const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
    if (note) notes.push(`${step.name}: ${note}`);
    console.log(`━━ ${note ? `nothing to run (${note})` : 'ok'}: ${label} (${seconds} s)`);
    passed += 1;
  } catch (error) {
    console.error(`\n━━ FAILED: ${label}`);
    console.error(`   ${error instanceof Error ? error.message : String(error)}`);
    console.log(`steps: ${passed} passed, 1 failed, ${steps.length - passed - 1} skipped`);
    process.exit(1);
  }
}

const total = ((Date.now() - started) / 1000).toFixed(0);
console.log(`\nAll checks passed in ${total} s (from ${relative(process.cwd(), root) || '.'}).`);
for (const note of notes) console.log(`  note: ${note}`);
console.log(`steps: ${passed} passed, 0 failed`);

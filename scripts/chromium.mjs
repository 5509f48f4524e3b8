// Finds the Chromium that end-to-end tests drive. Playwright cannot download its own browser on
// our machines, so we use, in order: a path given in CHROMIUM_PATH (or
// PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH), Playwright's own download if someone has one, Debian's
// /usr/bin/chromium. As root with apt-get, ensureChromium() installs Debian's package.
// Used by playwright.config.ts and scripts/test.mjs, so both always agree on the browser.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chromium } from '@playwright/test';

/** Flags for a headless test browser in a container: no GPU, no background traffic. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

export const SYSTEM_CHROMIUM_PATHS = Object.freeze(['/usr/bin/chromium', '/usr/bin/chromium-browser']);

export const INSTALL_HINT =
  'Chromium not found: install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable.';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function playwrightsOwnChromium() {
  try {
    return chromium.executablePath();
  } catch {
    return null;
  }
}

/**
 * Returns where the test Chromium is and how it was found, or null when there is none.
 * A path given in the environment that does not exist is an error, not a reason to look elsewhere:
 * whoever set it expects that browser to be used.
 */
export function findChromium(env = process.env) {
  for (const name of ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH']) {
    const path = env[name];
    if (path) {
      if (!isExecutable(path)) throw new Error(`${name}=${path} is not an executable file.`);
      return { path, source: name };
    }
  }
  const own = playwrightsOwnChromium();
  if (own && isExecutable(own)) return { path: own, source: "Playwright's own download" };
  for (const path of SYSTEM_CHROMIUM_PATHS) {
    if (isExecutable(path)) return { path, source: 'the system package' };
  }
  return null;
}

/** The Chromium path, or an Error whose message is the one line that says how to get one. */
export function requireChromium(env = process.env) {
  const found = findChromium(env);
  if (!found) throw new Error(INSTALL_HINT);
  return found.path;
}

function commandExists(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Finds Chromium, installing Debian's package first when there is none and this process may
 * (root, apt-get present). Returns the path, or throws with the one-line install hint.
 */
export function ensureChromium({ env = process.env, log = console.log } = {}) {
  const found = findChromium(env);
  if (found) {
    log(`Chromium: ${found.path} (${found.source})`);
    return found.path;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !commandExists('apt-get')) throw new Error(INSTALL_HINT);

  log('Chromium not found; installing Debian package "chromium" with apt-get…');
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env: aptEnv });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed. ${INSTALL_HINT}`);
  }
  return requireChromium(env);
}

import { readFileSync } from 'node:fs';

/**
 * The node flags of server/package.json's "start" script (what `npm run server` runs), read from
 * it so that the process tests and the load benchmark start the server exactly as operators do.
 */
export function serverNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--') && word !== '--import');
}

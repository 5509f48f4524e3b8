// Types for scripts/chromium.mjs, so playwright.config.ts and tests import it type-checked.
export interface FoundChromium {
  path: string;
  source: string;
}
export const CHROMIUM_ARGS: readonly string[];
export const SYSTEM_CHROMIUM_PATHS: readonly string[];
export const INSTALL_HINT: string;
export function findChromium(env?: NodeJS.ProcessEnv): FoundChromium | null;
export function requireChromium(env?: NodeJS.ProcessEnv): string;
export function ensureChromium(options?: { env?: NodeJS.ProcessEnv; log?: (line: string) => void }): string;

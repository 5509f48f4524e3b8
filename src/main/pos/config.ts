import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The POS link's settings, from the environment (names are the contract of issue 7). */
export interface PosConfig {
  /** Off with KIOSK_POS_ENABLED=0. */
  enabled: boolean;
  /** KIOSK_POS_HOST: 127.0.0.1 unless configured (loopback only by default). */
  host: string;
  /** KIOSK_POS_PORT: 7311 by default; 0 picks a free port (tests). */
  port: number;
  /** KIOSK_POS_TOKEN: the Bearer token; generated once and kept in the data folder when absent. */
  token: string | null;
  /** KIOSK_POS_SALE_TTL_SECONDS: how long a sale awaits check-in (300 s by default). */
  saleTtlSeconds: number;
  /** Requests per client per window; 600 a minute by default. */
  rateLimit?: { requests: number; windowMs: number };
}

export const POS_DEFAULT_PORT = 7311;
export const POS_TOKEN_FILE = 'pos-token';

export class PosConfigError extends Error {}

export function readPosConfig(env: Record<string, string | undefined>): PosConfig {
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new PosConfigError(`${name} must be a whole number from ${min} to ${max}; it is "${raw}".`);
    }
    return Number(raw);
  };
  const token = env['KIOSK_POS_TOKEN'] || null;
  if (token !== null && (token.length < 16 || token.length > 256 || !/^[\x21-\x7e]+$/.test(token))) {
    throw new PosConfigError('KIOSK_POS_TOKEN must be 16 to 256 printable characters with no spaces.');
  }
  return {
    enabled: env['KIOSK_POS_ENABLED'] !== '0',
    host: env['KIOSK_POS_HOST'] || '127.0.0.1',
    port: integer('KIOSK_POS_PORT', POS_DEFAULT_PORT, 0, 65_535),
    token,
    saleTtlSeconds: integer('KIOSK_POS_SALE_TTL_SECONDS', 300, 1, 86_400),
  };
}

/** The token from the configuration, or the one kept in the data folder (made at first start, 0600). */
export function posToken(
  dataDir: string,
  configured: string | null,
): { token: string; source: 'environment' | 'file'; file: string } {
  const file = join(dataDir, POS_TOKEN_FILE);
  if (configured) return { token: configured, source: 'environment', file };
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 16) return { token: kept, source: 'file', file };
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, source: 'file', file };
}

import { resolve } from 'node:path';
import { z } from 'zod';

/** The admin token must be at least this long, or the admin API stays off. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

const intFromEnv = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const number = Number(value);
      if (!Number.isInteger(number) || number < min || number > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}.` });
        return z.NEVER;
      }
      return number;
    });

const EnvSchema = z.object({
  PORT: intFromEnv('PORT', 8080, 0, 65_535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined)),
  DATA_DIR: z.string().min(1).default('./data/server'),
  ADMIN_TOKEN: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Requests a minute from one address (all tills of a store may share one address). */
  RATE_LIMIT_PER_IP: intFromEnv('RATE_LIMIT_PER_IP', 1200, 1, 10_000_000),
  /** Requests a minute with one token (a till syncs every few seconds at most). */
  RATE_LIMIT_PER_TOKEN: intFromEnv('RATE_LIMIT_PER_TOKEN', 300, 1, 10_000_000),
  /** Device registrations a minute from one address: enrolment codes must not be guessable. */
  RATE_LIMIT_REGISTER_PER_IP: intFromEnv('RATE_LIMIT_REGISTER_PER_IP', 10, 1, 10_000_000),
  /** PostgreSQL connections per server process. */
  PG_POOL_SIZE: intFromEnv('PG_POOL_SIZE', 8, 1, 1000),
  /** Pushes in progress per process; more wait, unread (http/admission.ts). Unset: twice PG_POOL_SIZE. */
  PUSH_CONCURRENCY: intFromEnv('PUSH_CONCURRENCY', 0, 1, 100_000),
  /** The longest a push waits for a place before it is answered "busy" (http/admission.ts). */
  PUSH_QUEUE_TIMEOUT_SECONDS: intFromEnv('PUSH_QUEUE_TIMEOUT_SECONDS', 20, 1, 3600),
  /** A till clock further than this from the server clock is flagged (never refused). */
  CLOCK_SKEW_TOLERANCE_SECONDS: intFromEnv('CLOCK_SKEW_TOLERANCE_SECONDS', 120, 1, 86_400 * 365),
  RULE_RECHECK_INTERVAL_MS: intFromEnv('RULE_RECHECK_INTERVAL_MS', 1000, 50, 3_600_000),
  /** Seconds between runs of the points expiry job (modules/expiry.ts); 0 turns the schedule off. */
  EXPIRY_INTERVAL_SECONDS: intFromEnv('EXPIRY_INTERVAL_SECONDS', 3600, 0, 7 * 86_400),
  /** Seconds between passes of the pull feed's compaction (modules/feed.ts); 0 turns it off. */
  FEED_COMPACTION_INTERVAL_SECONDS: intFromEnv('FEED_COMPACTION_INTERVAL_SECONDS', 10, 0, 86_400),
  /** Folder of kiosk updates (latest.yml, installers, blockmaps), served at /updates/. */
  UPDATES_DIR: z
    .string()
    .optional()
    .transform((value) => (value && value.trim() !== '' ? resolve(value.trim()) : undefined)),
  /** Set when behind a reverse proxy / load balancer so rate limits see the real client address. */
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((value) => value === 'true' || value === '1'),
});

export interface Config {
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir?: string };
  /** undefined when the admin API is off (no token, or one shorter than MIN_ADMIN_TOKEN_LENGTH). */
  adminToken: string | undefined;
  /** Why the admin API is off, for the start-up log. */
  adminDisabledReason: string | undefined;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  rateLimit: { perIp: number; perToken: number; registerPerIp: number };
  /** Push requests in progress at once in this process; the rest wait before their bodies are read. */
  pushConcurrency: number;
  pushQueueTimeoutMs: number;
  clockSkewToleranceMs: number;
  /** Pause between passes of the background rule recheck (rule-recheck.ts). */
  ruleRecheckIntervalMs: number;
  /** Pause between runs of the points expiry job; 0: not scheduled (the admin command still runs it). */
  expiryIntervalMs: number;
  /** Pause between passes of the pull feed's compaction; 0: off. */
  feedCompactionIntervalMs: number;
  /** Absolute folder served at /updates/ for the kiosks' auto-update, or undefined (not served). */
  updatesDir: string | undefined;
  trustProxy: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const token = e.ADMIN_TOKEN?.trim() ?? '';
  let adminDisabledReason: string | undefined;
  if (token.length === 0) {
    adminDisabledReason = 'ADMIN_TOKEN is not set';
  } else if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    adminDisabledReason = `ADMIN_TOKEN is ${token.length} characters long; it must be at least ${MIN_ADMIN_TOKEN_LENGTH}`;
  }
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.PG_POOL_SIZE }
      : { kind: 'pglite', dataDir: e.DATA_DIR },
    adminToken: adminDisabledReason ? undefined : token,
    adminDisabledReason,
    logLevel: e.LOG_LEVEL,
    rateLimit: {
      perIp: e.RATE_LIMIT_PER_IP,
      perToken: e.RATE_LIMIT_PER_TOKEN,
      registerPerIp: e.RATE_LIMIT_REGISTER_PER_IP,
    },
    // Twice the pool: a push parses and validates its body while others hold the connections.
    pushConcurrency: e.PUSH_CONCURRENCY || 2 * e.PG_POOL_SIZE,
    pushQueueTimeoutMs: e.PUSH_QUEUE_TIMEOUT_SECONDS * 1000,
    clockSkewToleranceMs: e.CLOCK_SKEW_TOLERANCE_SECONDS * 1000,
    ruleRecheckIntervalMs: e.RULE_RECHECK_INTERVAL_MS,
    expiryIntervalMs: e.EXPIRY_INTERVAL_SECONDS * 1000,
    feedCompactionIntervalMs: e.FEED_COMPACTION_INTERVAL_SECONDS * 1000,
    updatesDir: e.UPDATES_DIR,
    trustProxy: e.TRUST_PROXY,
  };
}

import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import {
  type ZodTypeProvider,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db/database';
import { MAX_BODY_BYTES } from '../../src/shared/sync';
import { HttpError, installErrorHandling } from './http/errors';
import { bearerToken, sameHash, sha256 } from './http/tokens';
import { type Metrics, createMetrics } from './metrics';
import { type AuthenticatedDevice, authenticateDevice } from './modules/devices';
import { type ExpiryLoop, type ExpiryRunResult, startExpiryLoop } from './modules/expiry';
import { type CompactionLoop, startCompactionLoop } from './modules/feed';
import { type RecheckLoop, startRecheckLoop } from './modules/rule-recheck';
import { adminRoutes } from './routes/admin';
import { opsRoutes } from './routes/ops';
import { syncRoutes } from './routes/sync';
import { updatesRoutes } from './routes/updates';

export const SERVER_VERSION = '0.1.0';
/**
 * What one compaction pass examines at most: sets, and customers named in them (each is looked up).
 * A few milliseconds of the database's time every FEED_COMPACTION_INTERVAL_SECONDS.
 */
const FEED_COMPACTION_BATCH = { batch: 1000, customers: 10_000 };

declare module 'fastify' {
  interface FastifyRequest {
    device?: AuthenticatedDevice;
  }
}

export interface AppOptions {
  config: Config;
  db: Database;
  /** A pino logger; when absent the app logs nothing (tests). */
  logger?: Logger;
  /** The clock (tests move it). */
  now?: () => Date;
}

export interface AppContext {
  config: Config;
  db: Database;
  metrics: Metrics;
  now: () => Date;
  /** Counts a run of the expiry job in the metrics (and logs it). */
  recordExpiryRun: (run: ExpiryRunResult, trigger: 'schedule' | 'admin') => void;
  /** preHandler: the caller must carry a valid, unrevoked device token. */
  requireDevice: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** preHandler: the caller must carry the admin token (and the admin API must be on). */
  requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

/** Phone numbers in URLs are personal data: logs show only the last digits. */
export function redactUrl(url: string): string {
  return url.replace(/(%2B|\+)(\d{3,})(\d{2})/gi, (_m, _plus, _head: string, tail: string) => `+…${tail}`);
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, db } = options;
  const metrics = createMetrics();
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger | undefined,
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    return503OnClosing: true,
    // Routes are exact: /v1/sync/push/ is not /v1/sync/push.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Loyalty server',
        description:
          'Central loyalty server: device enrolment, idempotent till sync (push/pull), customer look-up, ' +
          'erasure, reports. Device routes take a device token, admin routes the ADMIN_TOKEN, as ' +
          '"Authorization: Bearer <token>".',
        version: SERVER_VERSION,
      },
      components: {
        securitySchemes: {
          deviceToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'Token returned by /v1/devices/register',
          },
          adminToken: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN of the server' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  // Rate limits: one budget per client address for everything, and one per token on top.
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.perIp,
    timeWindow: 60_000,
    keyGenerator: (request) => `ip:${request.ip}`,
    errorResponseBuilder: () =>
      new HttpError(429, 'rate_limited', 'Too many requests from this address; wait and try again.'),
  });
  const tokenLimiter = app.createRateLimit({
    max: config.rateLimit.perToken,
    timeWindow: 60_000,
    keyGenerator: (request) => `token:${request.device?.id ?? 'admin'}`,
  });
  const tokenLimit = async (request: FastifyRequest, reply: FastifyReply) => {
    const verdict = await tokenLimiter(request);
    if (!verdict.isAllowed && verdict.isExceeded) {
      reply.header('retry-after', String(verdict.ttlInSeconds));
      throw new HttpError(429, 'rate_limited', 'Too many requests with this token; wait and try again.');
    }
  };

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  const adminHash = config.adminToken ? sha256(config.adminToken) : undefined;
  const context: AppContext = {
    config,
    db,
    metrics,
    now: options.now ?? (() => new Date()),
    recordExpiryRun(run, trigger) {
      metrics.expiryRuns.inc({ trigger, outcome: 'ok' });
      metrics.pointsExpired.inc(run.points);
      metrics.expiryCustomers.inc(run.customers);
      if (run.customers > 0 || run.mismatched.length > 0) {
        app.log.info(
          { customers: run.customers, points: run.points, checked: run.checked, trigger },
          'points expired',
        );
      }
      if (run.mismatched.length > 0) {
        app.log.error(
          { customers: run.mismatched },
          'expiry skipped customers whose events do not sum to their balance',
        );
      }
    },
    async requireDevice(request, reply) {
      const token = bearerToken(request.headers.authorization);
      if (!token) {
        metrics.authFailures.inc({ kind: 'device' });
        throw new HttpError(401, 'unauthorized', 'Send the device token as "Authorization: Bearer <token>".');
      }
      const result = await authenticateDevice(db, token);
      if (!result.ok) {
        metrics.authFailures.inc({ kind: 'device' });
        throw new HttpError(
          401,
          'unauthorized',
          result.reason === 'revoked'
            ? 'This device has been revoked; enrol it again with a new code.'
            : 'The device token is not valid.',
        );
      }
      request.device = result.device;
      await tokenLimit(request, reply);
    },
    async requireAdmin(request, reply) {
      if (!adminHash) {
        throw new HttpError(
          503,
          'admin_disabled',
          `The admin API is off: ${config.adminDisabledReason}. Set ADMIN_TOKEN (at least 32 characters) and restart.`,
        );
      }
      const token = bearerToken(request.headers.authorization);
      if (!token || !sameHash(sha256(token), adminHash)) {
        metrics.authFailures.inc({ kind: 'admin' });
        throw new HttpError(401, 'unauthorized', 'Send the admin token as "Authorization: Bearer <token>".');
      }
      await tokenLimit(request, reply);
    },
  };

  await app.register(opsRoutes(context));
  await app.register(syncRoutes(context));
  await app.register(adminRoutes(context));
  await app.register(updatesRoutes(config.updatesDir));

  // The rule check runs beside the requests, not inside the push (modules/rule-recheck.ts).
  let recheck: RecheckLoop | undefined;
  app.addHook('onReady', async () => {
    recheck = startRecheckLoop(db, {
      intervalMs: config.ruleRecheckIntervalMs,
      onPass: (pass) => {
        if (pass.flagged > 0) metrics.flagsRaised.inc({ kind: 'rule_mismatch' }, pass.flagged);
      },
      onError: (error) => app.log.error({ err: error }, 'rule recheck pass failed; retrying'),
    });
  });
  // Points expiry: a run shortly after start, then every EXPIRY_INTERVAL_SECONDS (modules/expiry.ts).
  let expiry: ExpiryLoop | undefined;
  if (config.expiryIntervalMs > 0) {
    app.addHook('onReady', async () => {
      expiry = startExpiryLoop(db, {
        intervalMs: config.expiryIntervalMs,
        now: context.now,
        onRun: (run) => context.recordExpiryRun(run, 'schedule'),
        onError: (error) => {
          metrics.expiryRuns.inc({ trigger: 'schedule', outcome: 'error' });
          app.log.error({ err: error }, 'points expiry run failed; retrying at the next interval');
        },
      });
    });
  }
  // The pull feed's compaction: removes change sets that answer nothing any more (modules/feed.ts).
  let compaction: CompactionLoop | undefined;
  if (config.feedCompactionIntervalMs > 0) {
    app.addHook('onReady', async () => {
      compaction = startCompactionLoop(db, {
        intervalMs: config.feedCompactionIntervalMs,
        ...FEED_COMPACTION_BATCH,
        onPass: (pass) => metrics.feedSetsCompacted.inc(pass.removed),
        onError: (error) => app.log.error({ err: error }, 'feed compaction pass failed; retrying'),
      });
    });
  }
  app.addHook('onClose', async () => {
    await recheck?.stop();
    await expiry?.stop();
    await compaction?.stop();
  });
  return app;
}

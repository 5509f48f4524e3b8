import { resolve } from 'node:path';
import { pino } from 'pino';
import { SERVER_VERSION, buildApp, redactUrl } from './app';
import { ConfigError, loadConfig } from './config';
import { type Database, openPglite, openPostgres } from './db/database';
import { migrate } from './db/migrate';

/**
 * `npm run server`: reads the environment, opens the database (PostgreSQL when DATABASE_URL is set,
 * else an embedded PGlite in DATA_DIR), applies migrations, and serves until SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
  });

  if (config.adminDisabledReason) {
    logger.error(
      `ADMIN API DISABLED: ${config.adminDisabledReason}. Admin routes answer 503 until ADMIN_TOKEN ` +
        'is set to a random string of at least 32 characters (e.g. `openssl rand -base64 48`) and the ' +
        'server is restarted. The device API (register, push, pull, look-up) is serving normally.',
    );
  }

  let db: Database;
  if (config.database.kind === 'postgres') {
    db = openPostgres({ url: config.database.url, poolSize: config.database.poolSize });
  } else {
    const dataDir = resolve(config.database.dataDir ?? './data/server');
    db = await openPglite({ dataDir });
  }
  logger.info({ database: db.description }, 'database opened');

  try {
    const report = await migrate(db);
    logger.info({ applied: report.applied, schemaVersion: report.current }, 'migrations checked');
  } catch (error) {
    logger.fatal({ err: error }, 'migrations failed; not starting');
    await db.close().catch(() => {});
    process.exit(1);
  }

  const app = await buildApp({ config, db, logger });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await app.close();
      await db.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const address = await app.listen({ port: config.port, host: config.host });
  logger.info({ address, version: SERVER_VERSION, database: db.kind }, 'loyalty server listening');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

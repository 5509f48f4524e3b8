import { defineConfig } from 'vitest/config';
import { findPostgresBinaries } from './tests/support/postgres.ts';

/**
 * The server suite runs twice: on PGlite (embedded) and on a real PostgreSQL. The PostgreSQL run
 * uses DATABASE_URL when set, else starts a private throwaway cluster from the installed binaries.
 * With neither: CI fails (it installs PostgreSQL), a laptop skips that run and says so.
 */
const databaseUrl = process.env.DATABASE_URL?.trim();
const binaries = findPostgresBinaries();
const postgresAvailable = Boolean(databaseUrl || binaries);
const ci = process.env.CI === 'true' || process.env.CI === '1';

if (!postgresAvailable) {
  const message =
    'PostgreSQL is not installed and DATABASE_URL is not set: the server suite cannot run on PostgreSQL.';
  if (ci) throw new Error(`${message} CI must install it (apt-get install -y postgresql).`);
  console.warn(
    `\n⚠ ${message}\n  Running on PGlite only. Install postgresql (or set DATABASE_URL) to run both.\n`,
  );
}

const shared = {
  include: ['tests/**/*.test.ts'],
  environment: 'node' as const,
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/database-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'pglite', env: { TEST_DB: 'pglite' } } },
      ...(postgresAvailable
        ? [
            {
              test: {
                ...shared,
                name: 'postgres',
                env: { TEST_DB: 'postgres' },
                globalSetup: ['./tests/support/global-postgres.ts'],
              },
            },
          ]
        : []),
    ],
  },
});

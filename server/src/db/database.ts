import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

/**
 * One small interface over PostgreSQL (pg Pool) and PGlite, so every module runs the same
 * parameterised SQL on both. Values come back the same on both: int8 and numeric as JS numbers
 * (every amount we store is far below 2^53), dates as 'YYYY-MM-DD' strings, timestamps as Date.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  keyLookupsOnly?: boolean;
}

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs fn in one transaction (READ COMMITTED): commit when it resolves, roll back when it throws.
   * `keyLookupsOnly`: every statement of fn reads and writes a bounded set of keys (e.g. the ≤ 500
   * customers of a push), so sequential scans are turned off for the transaction (SET LOCAL
   * enable_seqscan = off): a missing or stale statistic (a fresh or fast-growing table that
   * autovacuum has not analyzed yet) cannot turn `col = ANY($1)` into a scan of the whole table.
   * It changes plans only, never results.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
  /** A human description for logs: never includes a password. */
  readonly description: string;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

function toNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    throw new Error(`A number from the database is out of the safe range: ${text}`);
  }
  return value;
}

export interface PostgresOptions {
  url: string;
  /** Connections in this process's pool (PG_POOL_SIZE; its default lives in config.ts). */
  poolSize: number;
  applicationName?: string;
  /** How long a query waits for a free connection (or a new one to open). Default 10 s. */
  connectionTimeoutMs?: number;
}

/**
 * Every connection of the pool stayed busy with other requests for the whole connection timeout:
 * the database is reachable but this process asks more of it than its pool can carry. Not the
 * same as "the database is unavailable", which sends an operator looking for an outage.
 */
export class DatabaseBusyError extends Error {
  constructor(
    readonly poolSize: number,
    readonly waitedMs: number,
  ) {
    super(`all ${poolSize} database connections of this process stayed in use for ${waitedMs / 1000} s`);
    this.name = 'DatabaseBusyError';
  }
}

export function openPostgres(options: PostgresOptions): Database {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8 || oid === NUMERIC) return toNumber;
      if (oid === DATE) return (text: string) => text;
      return pg.types.getTypeParser(oid, format);
    }) as typeof pg.types.getTypeParser,
  };
  const { poolSize } = options;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: poolSize,
    application_name: options.applicationName ?? 'loyalty-server',
    types,
    connectionTimeoutMillis: connectionTimeoutMs,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => {});
  // Connected clients handed to a query or transaction right now. pg-pool gives the same "timeout
  // exceeded when trying to connect" to a request that waited behind busy connections and to one
  // that waited behind connections still opening (an unreachable database): this tells them apart.
  let checkedOut = 0;
  pool.on('acquire', () => checkedOut++);
  pool.on('release', () => checkedOut--);
  const busyOr = (error: unknown): unknown =>
    error instanceof Error &&
    /timeout exceeded when trying to connect/.test(error.message) &&
    checkedOut >= poolSize
      ? new DatabaseBusyError(poolSize, connectionTimeoutMs)
      : error;

  // Every statement is prepared once per connection (named by a hash of its text) and reused:
  // the hot push statements are parsed and planned once, not on every batch. The SQL texts are
  // fixed strings in the modules, so the set of names stays small.
  const names = new Map<string, string>();
  const nameOf = (sql: string) => {
    let name = names.get(sql);
    if (!name) {
      name = `q_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
      names.set(sql, name);
    }
    return name;
  };
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row>(sql: string, params?: readonly unknown[]) {
      try {
        const result = await client.query({
          name: nameOf(sql),
          text: sql,
          values: params as unknown[] | undefined,
        });
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw busyOr(error);
      }
    },
    async exec(sql: string) {
      try {
        await client.query(sql);
      } catch (error) {
        throw busyOr(error);
      }
    },
  });

  let description = 'PostgreSQL';
  try {
    const url = new URL(options.url);
    // ?host=/folder (libpq's form) means the Unix socket in that folder.
    const socketDir = url.searchParams.get('host');
    description = socketDir?.startsWith('/')
      ? `PostgreSQL via the Unix socket in ${socketDir} (port ${url.port || '5432'})${url.pathname}`
      : `PostgreSQL at ${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    // A connection string that is not a URL (key=value form): keep the generic description.
  }

  return {
    kind: 'postgres',
    description,
    ...wrap(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, txOptions?: TransactionOptions): Promise<T> {
      const client = await pool.connect().catch((error: unknown) => {
        throw busyOr(error);
      });
      let broken = false;
      try {
        // One round trip either way (simple query protocol, two statements).
        await client.query(txOptions?.keyLookupsOnly ? 'BEGIN; SET LOCAL enable_seqscan = off' : 'BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

export interface PgliteOptions {
  /** A data folder, or undefined for an in-memory database (tests). */
  dataDir?: string;
}

export async function openPglite(options: PgliteOptions): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir, {
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: (text: string) => text },
  });
  const wrap = (client: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await client.query<Row>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string) {
      await client.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    description: options.dataDir ? `PGlite (embedded) at ${options.dataDir}` : 'PGlite (embedded, in memory)',
    ...wrap(db),
    // PGlite has one connection: its transaction() queues every other query until it ends.
    transaction: <T>(fn: (tx: Queryable) => Promise<T>, txOptions?: TransactionOptions) =>
      db.transaction(async (tx) => {
        if (txOptions?.keyLookupsOnly) await tx.exec('SET LOCAL enable_seqscan = off');
        return fn(wrap(tx));
      }),
    async close() {
      await db.close();
    },
  };
}

/** Is this error PostgreSQL telling us to retry the transaction (deadlock, serialization)? */
export function isRetryableDbError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private, throwaway PostgreSQL for tests and the benchmark: initdb into a temporary folder,
 * start on a free port on 127.0.0.1, stop and delete afterwards. Uses Debian's packaged binaries
 * (/usr/lib/postgresql/<version>/bin). As root it runs the tools as the `postgres` user, because
 * initdb refuses to run as root.
 */

export function findPostgresBinaries(): string | undefined {
  const fromEnv = process.env.PG_BINDIR;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((name) => existsSync(join(base, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  const which = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const bindir = which.status === 0 ? which.stdout.trim() : '';
  if (bindir && existsSync(join(bindir, 'initdb'))) return bindir;
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Connections a throwaway cluster accepts (the load bench checks its tills fit). */
export const THROWAWAY_MAX_CONNECTIONS = 300;

export interface ThrowawayPostgres {
  /** Over loopback TCP (127.0.0.1). */
  url: string;
  /** The same cluster over its Unix socket (the folder it listens in is `host`). */
  socketUrl: string;
  version: string;
  port: number;
  dataDir: string;
  stop(): void;
}

export interface StartOptions {
  /** false (tests): fsync off, for speed. true (benchmark): PostgreSQL's default durability. */
  durable?: boolean;
}

export async function startThrowawayPostgres(options: StartOptions = {}): Promise<ThrowawayPostgres> {
  const bindir = findPostgresBinaries();
  if (!bindir) throw new Error('PostgreSQL binaries not found (install the postgresql package)');
  const isRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const command = isRoot ? 'runuser' : join(bindir, tool);
    const fullArgs = isRoot ? ['-u', 'postgres', '--', join(bindir, tool), ...args] : args;
    return execFileSync(command, fullArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const root = mkdtempSync(join(tmpdir(), 'loyalty-pg-'));
  const dataDir = join(root, 'data');
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o700);
  run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${root}`,
    "-c listen_addresses='127.0.0.1'",
    `-c max_connections=${THROWAWAY_MAX_CONNECTIONS}`,
    '-c shared_buffers=256MB',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  run('pg_ctl', ['-D', dataDir, '-o', settings, '-l', join(root, 'postgres.log'), '-w', '-t', '60', 'start']);
  const version = run('postgres', ['--version']).trim();
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    socketUrl: `postgres://postgres@localhost:${port}/postgres?host=${encodeURIComponent(root)}`,
    version,
    port,
    dataDir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

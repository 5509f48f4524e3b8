import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pair } from './support/pairing';
import { startProxy, type FaultProxy } from './support/proxy';
import { startServer } from './support/server';
import { cleanupAfterAll } from './support/cleanup';
import { openTill, sell } from './support/till';
import { expectConverged } from './support/verify';
import { waitFor } from './support/wait';

/**
 * Faults of the server process itself: down when the till starts, killed with SIGKILL in the
 * middle of a push and started again, restored from an older backup (the till's cursor is ahead of
 * it and it lacks events the till had settled), and two new tills registering at the same moment.
 * The end state is read from the server's own database.
 */

const { track, add: afterFile } = cleanupAfterAll();

describe('server faults', () => {
  it('server down when the till starts: the till sells, backs off, and drains when the server comes up', async () => {
    let server = await startServer();
    const { storeId } = await server.admin.createStore();
    const till = track(openTill());
    await pair(till, server, storeId);
    await server.stop();
    sell(till, 1, 40, 'down');
    till.engine.start();
    await waitFor(() => till.engine.status().consecutiveFailures >= 3, { what: 'failing while down' });
    expect(till.engine.status()).toMatchObject({ online: false, pendingEvents: 41 });
    expect(till.engine.status().lastError).toMatch(/not answering|could not be reached/);
    server = await startServer({ dataDir: server.dataDir, port: server.port });
    track(server);
    await waitFor(() => till.engine.status().pendingEvents === 0 && till.engine.status().online, {
      what: 'drained once the server is up',
      timeoutMs: 30_000,
    });
    await till.engine.stop();
    track((await expectConverged(server, [till])).server);
  });

  it('server killed with SIGKILL mid-push, then restarted: every event once, nothing lost', async () => {
    let server = await startServer();
    const dataDir = server.dataDir;
    let proxy: FaultProxy | undefined = await startProxy(() => server.url);
    afterFile(() => proxy?.close());
    const { storeId } = await server.admin.createStore();
    const till = track(openTill({ options: { batchSize: 200 } }));
    await pair(till, server, storeId, proxy.url);
    sell(till, 2, 1_200, 'kill');
    let pushes = 0;
    let killed: Promise<void> | null = null;
    proxy.tap((seen) => {
      // The third push is at the server right now: kill it there, whatever it is doing.
      if (seen.path.startsWith('/v1/sync/push') && ++pushes === 3) killed = server.kill();
    });
    till.engine.start();
    await waitFor(() => killed !== null, { what: 'the server killed mid-push' });
    await killed;
    await waitFor(() => till.engine.status().consecutiveFailures >= 2, { what: 'the till noticing' });
    expect(till.engine.status().pendingEvents).toBeGreaterThan(0);
    server = track(await startServer({ dataDir, port: server.port }));
    await waitFor(() => till.engine.status().pendingEvents === 0, { what: 'drained after restart' });
    await till.engine.stop();
    await proxy.close();
    proxy = undefined;
    track((await expectConverged(server, [till])).server);
  });

  it('server restored from an older backup: the till re-snapshots and sends again what the server lost', async () => {
    let server = await startServer();
    const { storeId } = await server.admin.createStore();
    const till = track(openTill());
    await pair(till, server, storeId);
    sell(till, 3, 10, 'before-backup');
    await till.engine.syncNow();
    // Back up the server's database (stopped: PGlite is one process per folder).
    await server.stop();
    const backup = mkdtempSync(join(tmpdir(), 'sync-fault-backup-'));
    afterFile(() => rmSync(backup, { recursive: true, force: true }));
    cpSync(server.dataDir, backup, { recursive: true });
    server = await startServer({ dataDir: server.dataDir, port: server.port });
    sell(till, 3, 15, 'after-backup');
    sell(till, 4, 5, 'after-backup-2');
    await till.engine.syncNow();
    const cursorBefore = till.db.prepare('SELECT cursor FROM sync_state').pluck().get();
    expect(till.engine.status().pendingEvents).toBe(0);
    // Disaster: the server is restored from the backup. The till has settled 22 events it lacks.
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
    cpSync(backup, server.dataDir, { recursive: true });
    server = track(await startServer({ dataDir: server.dataDir, port: server.port }));
    const status = await till.engine.syncNow();
    expect(status.lastError).toBeNull();
    expect(status.pendingEvents).toBe(0);
    expect(till.db.prepare('SELECT cursor FROM sync_state').pluck().get()).not.toBe(cursorBefore);
    // The restored server had this till up to seq 11; it has all 32 again.
    const [device] = await server.admin.devices(storeId);
    expect(device!.lastSeq).toBe(32);
    track((await expectConverged(server, [till])).server);
  });

  it('two new tills register at the same moment, then both sync', async () => {
    const server = await startServer();
    const { storeId } = await server.admin.createStore();
    const a = track(openTill());
    const b = track(openTill());
    const [codeA, codeB] = await Promise.all([
      server.admin.enrollmentCode(storeId),
      server.admin.enrollmentCode(storeId),
    ]);
    const [ra, rb] = await Promise.all([
      a.engine.registerDevice(server.url, codeA, 'A'),
      b.engine.registerDevice(server.url, codeB, 'B'),
    ]);
    expect(ra.deviceId).not.toBe(rb.deviceId);
    sell(a, 5, 10, 'a');
    sell(b, 6, 10, 'b');
    await Promise.all([a.engine.syncNow(), b.engine.syncNow()]);
    track((await expectConverged(server, [a, b])).server);
  });
});

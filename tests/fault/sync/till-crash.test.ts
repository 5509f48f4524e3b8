import { describe, expect, it } from 'vitest';
import { pair } from './support/pairing';
import { useFaultRig } from './support/rig';
import { CONSENT, openTill, phone, tillEvents, type TestTill } from './support/till';
import { expectConvergedLive } from './support/verify';
import { waitFor } from './support/wait';
import { startTillProcess } from './support/worker';

/**
 * The till process killed with SIGKILL: during a push (the server applies it after the till died,
 * or never sees it), right after a sale, and between pull pages. Each time the till is started
 * again on the same files and must end with every event on the server exactly once.
 */

const rig = useFaultRig();

/** A paired till whose files are then closed, for a worker process to open. */
async function pairedTillDir(storeId?: string): Promise<{ dir: string; storeId: string }> {
  const store = storeId ?? (await rig.server.admin.createStore()).storeId;
  const till = openTill();
  await pair(till, rig.server, store, rig.proxy.url);
  await till.close();
  return { dir: till.dir, storeId: store };
}

function reopen(dir: string): TestTill {
  return rig.openTill({ dir });
}

describe('till killed with SIGKILL', () => {
  it('during a push the server then applies: restarted, the till settles it as duplicate', async () => {
    const { dir } = await pairedTillDir();
    rig.proxy.clear();
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'hold' }, times: 1 });
    const worker = startTillProcess(dir, 'sell-then-sync', 25, { CUSTOMER: '1' });
    await waitFor(() => rig.proxy.held() === 1, { what: 'the push in flight' });
    await worker.kill();
    // The push reaches the server after the till died: stored, answer lost.
    const orphan = rig.proxy.seen.find((seen) => seen.fault === 'hold')!;
    rig.proxy.release();
    await waitFor(() => orphan.status !== null, { what: 'the server to apply the orphaned push' });
    rig.proxy.clear();
    const till = reopen(dir);
    expect(till.engine.status().pendingEvents).toBe(26);
    await till.engine.syncNow();
    // The whole outbox (26 events) was in that one push: every event comes back "duplicate".
    expect(tillEvents(till.db).every((event) => event.state === 'duplicate')).toBe(true);
    await expectConvergedLive(rig.server, [till]);
  });

  it('during a push the server never sees: restarted, the till sends it again', async () => {
    const { dir } = await pairedTillDir();
    rig.proxy.clear();
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'hang' }, times: 1 });
    const worker = startTillProcess(dir, 'sell-then-sync', 10, { CUSTOMER: '2' });
    await waitFor(() => rig.proxy.seen.some((s) => s.fault === 'hang'), { what: 'the push in flight' });
    await worker.kill();
    rig.proxy.clear();
    const till = reopen(dir);
    await till.engine.syncNow();
    expect(tillEvents(till.db).every((event) => event.state === 'accepted')).toBe(true);
    await expectConvergedLive(rig.server, [till]);
  });

  it('right after a sale (kill -9): the sale is still pushed when the till starts again', async () => {
    const { dir } = await pairedTillDir();
    rig.proxy.clear();
    rig.proxy.add({ match: '* /', fault: { kind: 'hang' } }); // nothing leaves before the kill
    const worker = startTillProcess(dir, 'sell-then-sync', 1, { CUSTOMER: '3' });
    const sold = await worker.line(/^sold /);
    await worker.kill();
    rig.proxy.clear();
    const eventId = sold.split(' ')[1]!;
    const till = reopen(dir);
    await till.engine.syncNow();
    const event = tillEvents(till.db).find((e) => e.id === eventId);
    expect(event?.state).toBe('accepted');
    await expectConvergedLive(rig.server, [till]);
  });

  it('between pull pages: restarted, the till resumes from the last saved page and ends equal to the server', async () => {
    // Another till fills the store with 600 customers.
    const { storeId } = await rig.server.admin.createStore();
    const seller = rig.openTill();
    await pair(seller, rig.server, storeId);
    for (let i = 0; i < 600; i++) {
      seller.ledger.enroll(phone(5_000 + i), CONSENT);
      seller.ledger.checkIn(phone(5_000 + i), {
        receiptId: `p-${i}`,
        total: { amount: 100 * (i + 1), currency: 'USD' },
      });
    }
    await seller.engine.syncNow();
    const { dir } = await pairedTillDir(storeId);
    rig.proxy.clear();
    let pulls = 0;
    let killAt: (() => void) | null = null;
    const killed = new Promise<void>((done) => (killAt = done));
    rig.proxy.tap((seen) => {
      if (seen.path.startsWith('/v1/sync/pull') && ++pulls === 7) killAt?.();
    });
    const worker = startTillProcess(dir, 'sync', 0, { PULL_LIMIT: '25' });
    await killed;
    await worker.kill();
    const till = reopen(dir);
    const saved = till.db.prepare('SELECT count(*) FROM server_customers').pluck().get() as number;
    expect(saved).toBeLessThan(600); // killed part-way through the snapshot
    await till.engine.syncNow();
    expect(till.db.prepare('SELECT count(*) FROM server_customers').pluck().get()).toBe(600);
    for (let i = 0; i < 600; i += 97) {
      expect(till.ledger.balance(phone(5_000 + i)).confirmed).toBe(i + 1);
    }
    await expectConvergedLive(rig.server, [seller]);
  });
});

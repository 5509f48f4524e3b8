import { describe, expect, it } from 'vitest';
import { pair } from './support/pairing';
import { useFaultRig } from './support/rig';
import { CONSENT, phone, tillEvents, type TestTill, type TillOptions } from './support/till';
import { expectConvergedLive } from './support/verify';
import { waitFor } from './support/wait';

/**
 * Network faults injected by a proxy between the till and the real server process: 5xx answers,
 * timeouts, resets, very slow replies, a reply lost after the server applied the push (the same
 * batch delivered twice), a sale while a push is in flight, a failure with no sale after it, the
 * network lost mid-sync, and a malformed pull page. Each test ends on the same assertion: every
 * event on the server exactly once, balances equal on server and till, nothing lost.
 */

const rig = useFaultRig();

async function pairedTill(options: TillOptions = {}) {
  const { storeId } = await rig.server.admin.createStore();
  const till = rig.openTill(options);
  await pair(till, rig.server, storeId, rig.proxy.url);
  return till;
}

function sales(till: TestTill, customer: number, count: number, prefix: string): void {
  try {
    till.ledger.enroll(phone(customer), CONSENT);
  } catch {
    // already enrolled
  }
  for (let i = 0; i < count; i++) {
    till.ledger.checkIn(phone(customer), {
      receiptId: `${prefix}-${i}`,
      total: { amount: 100 + i, currency: 'USD' },
    });
  }
}

const pushes = () => rig.proxy.seen.filter((s) => s.path.startsWith('/v1/sync/push'));

describe('network faults between till and server', () => {
  it('5xx answers: retried with backoff until the server takes the batch', async () => {
    const till = await pairedTill();
    sales(till, 1, 30, 'five');
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'status', status: 503 }, times: 3 });
    rig.proxy.add({ match: 'GET /v1/sync/pull', fault: { kind: 'status', status: 500 }, times: 2 });
    till.engine.start();
    await waitFor(() => till.engine.status().pendingEvents === 0 && till.engine.status().lastError === null, {
      what: 'outbox drained through 5xx answers',
    });
    expect(pushes().filter((p) => p.fault === 'status')).toHaveLength(3);
    await till.engine.stop();
    await expectConvergedLive(rig.server, [till]);
  });

  it('timeouts: a server that never answers is given up on at the deadline and retried', async () => {
    const till = await pairedTill({ options: { requestTimeoutMs: 300 } });
    sales(till, 2, 10, 'hang');
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'hang' }, times: 2 });
    const status = await till.engine.syncNow();
    expect(status.online).toBe(false);
    expect(status.lastError).toMatch(/did not answer within/);
    till.engine.start();
    await waitFor(() => till.engine.status().pendingEvents === 0, { what: 'drained after timeouts' });
    await till.engine.stop();
    await expectConvergedLive(rig.server, [till]);
  });

  it('connection resets: the cut request is retried, nothing is doubled', async () => {
    const till = await pairedTill();
    sales(till, 3, 25, 'reset');
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'reset' }, times: 2 });
    rig.proxy.add({ match: 'GET /v1/sync/pull', fault: { kind: 'reset' }, times: 1 });
    const first = await till.engine.syncNow();
    expect(first.lastError).toMatch(/cut|could not be reached/);
    till.engine.start();
    await waitFor(() => till.engine.status().pendingEvents === 0 && till.engine.status().lastError === null, {
      what: 'drained after resets',
    });
    await till.engine.stop();
    await expectConvergedLive(rig.server, [till]);
  });

  it('very slow replies: a reply trickling in within the deadline is used; one past it is retried', async () => {
    const till = await pairedTill({ options: { requestTimeoutMs: 1_500 } });
    sales(till, 4, 20, 'slow');
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'slow', ms: 600 }, times: 1 });
    const status = await till.engine.syncNow();
    expect(status.pendingEvents).toBe(0);
    sales(till, 4, 5, 'slower');
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'slow', ms: 4_000 }, times: 1 });
    const late = await till.engine.syncNow();
    expect(late.pendingEvents).toBe(5);
    expect(late.lastError).toMatch(/did not answer within/);
    // The server applied the slow push whose reply came too late: the retry is all "duplicate".
    const again = await till.engine.syncNow();
    expect(again.pendingEvents).toBe(0);
    const states = tillEvents(till.db)
      .slice(-5)
      .map((e) => e.state);
    expect(states).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    await expectConvergedLive(rig.server, [till]);
  });

  it('the same batch delivered twice: the reply is lost after the server applied it, the retry is answered duplicate', async () => {
    const till = await pairedTill();
    sales(till, 5, 12, 'twice');
    const points = till.ledger.balance(phone(5)).provisional;
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'drop-reply' }, times: 1 });
    const first = await till.engine.syncNow();
    expect(first.pendingEvents).toBe(13);
    // No pull after an unsettled push: the confirmed balance cannot count those points twice.
    expect(till.ledger.balance(phone(5))).toMatchObject({ confirmed: 0, provisional: points });
    const second = await till.engine.syncNow();
    expect(second.pendingEvents).toBe(0);
    const withoutSentAt = (body: string) => body.replace(/"sentAt":"[^"]+"/, '');
    const [dropped, retried] = pushes().slice(-2);
    expect(withoutSentAt(retried!.body)).toBe(withoutSentAt(dropped!.body));
    expect(tillEvents(till.db).every((e) => e.state === 'duplicate')).toBe(true);
    expect(till.ledger.balance(phone(5))).toMatchObject({ confirmed: points, provisional: points });
    await expectConvergedLive(rig.server, [till]);
  });

  it('a sale made while a push is in flight is pushed in the same run, in order', async () => {
    const till = await pairedTill();
    sales(till, 6, 3, 'before');
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'hold' }, times: 1 });
    const run = till.engine.syncNow();
    await waitFor(() => rig.proxy.held() === 1, { what: 'push in flight' });
    // The till keeps selling while its push waits: a check-in never waits for sync.
    const started = performance.now();
    sales(till, 6, 2, 'during');
    expect(performance.now() - started).toBeLessThan(500);
    rig.proxy.release();
    const status = await run;
    expect(status.pendingEvents).toBe(0);
    const seqs = pushes()
      .slice(-2)
      .map((p) => (JSON.parse(p.body) as { events: { seq: number }[] }).events.map((e) => e.seq));
    expect(seqs).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    await expectConvergedLive(rig.server, [till]);
  });

  it('one 5xx and no sale after it: the outbox still drains on its own (no write needed to retry)', async () => {
    const till = await pairedTill();
    sales(till, 7, 4, 'lonely');
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'status', status: 502 }, times: 1 });
    till.engine.start();
    await waitFor(() => pushes().some((p) => p.fault === 'status'), { what: 'the failed push' });
    await waitFor(() => till.engine.status().pendingEvents === 0, { what: 'drained with no new sale' });
    await till.engine.stop();
    await expectConvergedLive(rig.server, [till]);
  });

  it('the network lost mid-sync: live sync resumes by itself when it returns, without a restart', async () => {
    const till = await pairedTill({ options: { batchSize: 10 } });
    sales(till, 8, 60, 'midsync');
    // Two batches go through, then the network is gone for a while.
    rig.proxy.add({ match: 'POST /v1/sync/push', fault: { kind: 'delay', ms: 0 }, times: 2 });
    rig.proxy.add({ match: '* /', fault: { kind: 'reset' } });
    till.engine.start();
    await waitFor(() => till.engine.status().consecutiveFailures >= 3, { what: 'sync failing offline' });
    expect(till.engine.status().online).toBe(false);
    expect(till.engine.status().pendingEvents).toBe(41);
    rig.proxy.clear();
    await waitFor(() => till.engine.status().pendingEvents === 0, {
      what: 'resumed after the network returned',
    });
    await waitFor(() => till.engine.status().online, { what: 'online again' });
    await till.engine.stop();
    await expectConvergedLive(rig.server, [till]);
  });

  it('refused mid-pull (401, as when a token is re-checked) then accepted: resumes at the saved cursor, no duplicate rows', async () => {
    const seller = await pairedTill();
    for (let i = 0; i < 60; i++) {
      seller.ledger.enroll(phone(600 + i), CONSENT);
      seller.ledger.checkIn(phone(600 + i), {
        receiptId: `e2-${i}`,
        total: { amount: 100 * (i + 1), currency: 'USD' },
      });
    }
    await seller.engine.syncNow();
    const storeId = seller.engine.status().storeId!;
    const reader = rig.openTill({ options: { pullLimit: 10 } });
    await pair(reader, rig.server, storeId, rig.proxy.url);
    let pulls = 0;
    rig.proxy.tap((seen) => {
      if (seen.path.startsWith('/v1/sync/pull')) pulls++;
    });
    rig.proxy.add({ match: 'GET /v1/sync/pull', fault: { kind: 'delay', ms: 0 }, times: 3 });
    rig.proxy.add({ match: 'GET /v1/sync/pull', fault: { kind: 'status', status: 401 }, times: 1 });
    const refused = await reader.engine.syncNow();
    expect(refused.pairingProblem).not.toBeNull();
    const saved = reader.db.prepare('SELECT count(*) FROM server_customers').pluck().get() as number;
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(60);
    const pullsBefore = pulls;
    const resumed = await reader.engine.syncNow();
    expect(resumed.pairingProblem).toBeNull();
    // Resumed from the saved cursor, not from the start: fewer pages than a full snapshot.
    expect(pulls - pullsBefore).toBeLessThan(7);
    expect(reader.db.prepare('SELECT count(*) FROM server_customers').pluck().get()).toBe(60);
    expect(reader.db.prepare('SELECT count(*) FROM balances').pluck().get()).toBe(60);
    expect(reader.ledger.balance(phone(659)).confirmed).toBe(60);
    await expectConvergedLive(rig.server, [seller]);
  });

  it('a malformed pull page does not move the cursor; the next good page is applied', async () => {
    const till = await pairedTill();
    sales(till, 9, 2, 'malformed');
    await till.engine.syncNow();
    const cursor = () => till.db.prepare('SELECT cursor FROM sync_state').pluck().get();
    const before = cursor();
    sales(till, 9, 1, 'more');
    rig.proxy.add({
      match: 'GET /v1/sync/pull',
      fault: {
        kind: 'rewrite',
        body: (text) => text.replace(/"balance":(-?\d+)/, '"balance":"lots"'),
      },
      times: 1,
    });
    const bad = await till.engine.syncNow();
    expect(bad.lastError).toMatch(/not understood/);
    expect(cursor()).toBe(before);
    const good = await till.engine.syncNow();
    expect(good.lastError).toBeNull();
    expect(cursor()).not.toBe(before);
    await expectConvergedLive(rig.server, [till]);
  });
});

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../../../src/main/outbox/outbox';
import { backoffDelay, DEFAULT_BACKOFF, retryDelay } from '../../../src/main/sync/backoff';
import { createFileSecretStore, createSealedSecretStore } from '../../../src/main/sync/secrets';
import type { SyncFailure } from '../../../src/main/sync/transport';
import { createTransport, type FetchLike } from '../../../src/main/sync/transport';
import { PushResponseSchema } from '../../../src/shared/sync';
import { CONSENT, openTill, phone } from '../../fault/sync/support/till';

/** The engine's parts on their own: backoff, secret stores, failure classification, requeue. */

const dir = mkdtempSync(join(tmpdir(), 'sync-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backoff with full jitter', () => {
  it('grows from about 1 s to a 5 min cap, uniformly random below the ceiling', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0.5)).toBe(0);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0.999)).toBeLessThan(1_000);
    expect(backoffDelay(4, DEFAULT_BACKOFF, () => 0.999)).toBeLessThan(8_000);
    expect(backoffDelay(4, DEFAULT_BACKOFF, () => 0.999)).toBeGreaterThan(7_900);
    expect(backoffDelay(50, DEFAULT_BACKOFF, () => 0.999)).toBeLessThan(300_000);
    expect(backoffDelay(50, DEFAULT_BACKOFF, () => 0.999)).toBeGreaterThan(299_000);
    // Never zero: an unlucky draw must not turn into a tight loop against a failing server.
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(100);
  });

  it("obeys a 429's Retry-After, and takes a busy server's as a floor under the jittered wait", () => {
    const low = () => 0;
    const high = () => 0.999;
    expect(
      retryDelay({ kind: 'rate_limited', detail: { retryAfterMs: 7_000 } }, 9, DEFAULT_BACKOFF, high),
    ).toBe(7_000);
    const busy = { kind: 'server', detail: { retryAfterMs: 5_000 } };
    expect(retryDelay(busy, 1, DEFAULT_BACKOFF, low)).toBe(5_000);
    expect(retryDelay(busy, 6, DEFAULT_BACKOFF, high)).toBeGreaterThan(31_000);
    expect(retryDelay({ kind: 'server', detail: {} }, 1, DEFAULT_BACKOFF, low)).toBe(100);
    expect(retryDelay({ kind: 'auth', detail: {} }, 1, DEFAULT_BACKOFF, low)).toBe(DEFAULT_BACKOFF.capMs);
  });
});

describe('secret stores', () => {
  it('the file store keeps the token readable by its owner only (0600), even over a looser file', () => {
    const path = join(dir, 'token');
    writeFileSync(path, 'old', { mode: 0o644 });
    const store = createFileSecretStore(path);
    store.save('secret-token-value');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(store.load()).toBe('secret-token-value');
    store.clear();
    expect(store.load()).toBeNull();
  });

  it('the sealed store never writes the token in clear', () => {
    const path = join(dir, 'sealed');
    const sealer = {
      encryptString: (plain: string) => Buffer.from([...Buffer.from(plain)].map((b) => b ^ 0x5a)),
      decryptString: (sealed: Buffer) => Buffer.from([...sealed].map((b) => b ^ 0x5a)).toString(),
    };
    const store = createSealedSecretStore(path, sealer);
    store.save('secret-token-value');
    expect(readFileSync(path, 'utf8')).not.toContain('secret-token-value');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(store.load()).toBe('secret-token-value');
  });
});

describe('transport', () => {
  const reply =
    (status: number, body: unknown, headers: Record<string, string> = {}): FetchLike =>
    () =>
      Promise.resolve({
        status,
        ok: status < 300,
        headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
        text: () => Promise.resolve(typeof body === 'string' ? body : JSON.stringify(body)),
      });
  const call = (fetchImpl: FetchLike) =>
    createTransport(() => 'http://127.0.0.1:1', fetchImpl).request('POST', '/v1/sync/push', {
      schema: PushResponseSchema,
      body: '{}',
      timeoutMs: 1_000,
    });
  const failure = async (fetchImpl: FetchLike) => {
    try {
      await call(fetchImpl);
    } catch (error) {
      return error as SyncFailure;
    }
    throw new Error('expected a failure');
  };

  it('says what to do with each kind of answer', async () => {
    expect((await failure(reply(503, { error: { code: 'unavailable', message: 'x' } }))).kind).toBe('server');
    expect((await failure(reply(429, '', { 'retry-after': '7' }))).detail.retryAfterMs).toBe(7_000);
    const busy = await failure(
      reply(503, { error: { code: 'unavailable', message: 'busy' } }, { 'retry-after': '5' }),
    );
    expect(busy).toMatchObject({ kind: 'server', detail: { status: 503, retryAfterMs: 5_000 } });
    // Only a 503 asks for a wait; another 5xx (and a nonsense header) leaves it to the backoff.
    expect((await failure(reply(500, '', { 'retry-after': '5' }))).detail.retryAfterMs).toBeUndefined();
    expect((await failure(reply(503, '', { 'retry-after': 'soon' }))).detail.retryAfterMs).toBeUndefined();
    expect((await failure(reply(413, ''))).kind).toBe('too_large');
    expect((await failure(reply(401, { error: { code: 'unauthorized', message: 'x' } }))).kind).toBe('auth');
    const gap = await failure(
      reply(409, { error: { code: 'seq_gap', message: 'gap' }, expectedSeq: 4, lastSeq: 3 }),
    );
    expect(gap).toMatchObject({ kind: 'seq_gap', detail: { expectedSeq: 4 } });
    expect((await failure(reply(400, { error: { code: 'invalid_input', message: 'bad' } }))).kind).toBe(
      'refused',
    );
    // A 200 that is not the contract's answer is never trusted (nothing is settled from it).
    expect((await failure(reply(200, { lastSeq: 'x' }))).kind).toBe('server');
    const refused = await failure(() =>
      Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
    );
    expect(refused).toMatchObject({ kind: 'network', message: expect.stringMatching(/refused/) });
  });
});

describe('outbox requeue', () => {
  it('puts settled events back in the queue and their points back in the unsynced balance', () => {
    const till = openTill();
    try {
      till.ledger.enroll(phone(1), CONSENT);
      till.ledger.checkIn(phone(1), { receiptId: 'r1', total: { amount: 1_000, currency: 'USD' } });
      till.ledger.checkIn(phone(1), { receiptId: 'r2', total: { amount: 2_000, currency: 'USD' } });
      const settle = till.db.transaction(() => {
        till.db.prepare('DELETE FROM outbox').run();
        till.db
          .prepare(
            `INSERT INTO settled_events (seq, state, settled_at) SELECT seq, 'accepted', 'now' FROM ledger_events`,
          )
          .run();
        till.db.prepare('UPDATE balances SET unsynced_points = 0, confirmed_points = 30').run();
      });
      settle();
      expect(till.ledger.balance(phone(1))).toMatchObject({ confirmed: 30, provisional: 30 });
      expect(createOutbox(till.db).requeueFrom(2)).toBe(2);
      expect(till.engine.status().pendingEvents).toBe(2);
      expect(till.ledger.balance(phone(1))).toMatchObject({ confirmed: 30, provisional: 60 });
    } finally {
      void till.cleanup();
    }
  });
});

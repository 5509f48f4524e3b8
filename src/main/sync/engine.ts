import { createHash } from 'node:crypto';
import type { Db } from '../db/connection';
import { parsePhone } from '../ledger/input';
import type { Ledger } from '../ledger/ledger';
import { createOutbox, type PendingEvent, type Settlement } from '../outbox/outbox';
import { KioskError } from '../../shared/errors';
import {
  CustomerLookupResponseSchema,
  MAX_BODY_BYTES,
  MAX_PUSH_EVENTS,
  PullResponseSchema,
  PushResponseSchema,
  RegisterResponseSchema,
  SyncFlagsResponseSchema,
  type PushResponse,
  type RegisterResponse,
} from '../../shared/sync';
import { DEFAULT_BACKOFF, retryDelay, type BackoffPolicy } from './backoff';
import { createDayCloser, type ZReport } from './day-close';
import { describeFlag, type ServerFlagsView } from './flags';
import type { SecretStore } from './secrets';
import { createSyncStore, storeSettingsOf, type SyncStateRow } from './sync-store';
import { createTransport, SyncFailure, type FetchLike, type Transport } from './transport';

/**
 * The till's sync engine: pushes the outbox to the server in seq order and pulls confirmed
 * balances, customers, store settings and the program back, for ever, through any fault.
 *
 * - One cycle at a time: push until the outbox is empty, then pull until up to date. Pull waits
 *   for a clean push, so a balance the server sends never already holds an event this till still
 *   counts as unsynced (a lost push reply is settled by the next push, as "duplicate", first).
 * - Push: at most 500 events and ~900 kB a request (the server's limits), the stored bytes of
 *   each event as they are, every retry the same; halves the batch on 413; settles each event with
 *   the server's own answer for it, and only then, in one transaction with the confirmed balances.
 * - Pull: each page and its cursor in one transaction; "reset required" re-snapshots.
 * - Failures: exponential backoff with full jitter (1 s to 5 min), at once on syncNow() or when
 *   the network comes back; a watchdog aborts a cycle stuck longer than a few minutes and starts
 *   again. A check-in never waits for any of it: the engine only reads the outbox.
 */

export interface SyncOptions {
  /** Events per push (≤ 500). */
  batchSize: number;
  /** Bytes per push body, below the server's 1 MiB limit. */
  maxBatchBytes: number;
  pullLimit: number;
  /** Deadline of one push or pull request. */
  requestTimeoutMs: number;
  /** Deadline of the online customer look-up (the customer is waiting at the counter). */
  lookupTimeoutMs: number;
  registerTimeoutMs: number;
  /** While idle and healthy: how often to look for new events in the outbox. */
  idlePollMs: number;
  /** While idle and healthy: how often to pull even with nothing to push. */
  pullEveryMs: number;
  backoff: BackoffPolicy;
  /** How often the watchdog looks. */
  watchdogMs: number;
  /** A cycle running longer than this is aborted and started again. */
  stuckAfterMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  batchSize: MAX_PUSH_EVENTS,
  maxBatchBytes: Math.floor(MAX_BODY_BYTES * 0.85),
  pullLimit: 500,
  requestTimeoutMs: 30_000,
  lookupTimeoutMs: 800,
  registerTimeoutMs: 15_000,
  idlePollMs: 2_000,
  pullEveryMs: 30_000,
  backoff: DEFAULT_BACKOFF,
  watchdogMs: 30_000,
  stuckAfterMs: 180_000,
};

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncLog {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export interface SyncEngineDeps {
  db: Db;
  ledger: Ledger;
  fetch: FetchLike;
  /** Keeps the device token (safeStorage in Electron, a 0600 file elsewhere). */
  secrets: SecretStore;
  clock?: () => Date;
  timers?: Timers;
  random?: () => number;
  log?: SyncLog;
  options?: Partial<SyncOptions>;
}

export interface SyncStatus {
  paired: boolean;
  serverUrl: string | null;
  storeId: string | null;
  /** start() was called and stop() was not. */
  running: boolean;
  /** A push or pull is under way. */
  syncing: boolean;
  /** The last request reached the server (any answer but 5xx). */
  online: boolean;
  pendingEvents: number;
  lastPushAt: string | null;
  lastPullAt: string | null;
  lastSuccessAt: string | null;
  /** What went wrong last, in plain words; null after a clean cycle. */
  lastError: string | null;
  lastErrorAt: string | null;
  /** Till clock minus server clock, ms (positive: the till is ahead). */
  clockSkewMs: number | null;
  clockSkewFlagged: boolean;
  /** Set when the server refuses this till's token: the manager must pair again. */
  pairingProblem: string | null;
  consecutiveFailures: number;
  nextAttemptAt: string | null;
  /** Business days closed on this till whose close the server has not confirmed yet. */
  unsyncedDayCloses: string[];
}

export interface CustomerLookup {
  phone: string;
  /** Where the balance came from: the server (online) or this till's own data. */
  source: 'server' | 'local';
  known: boolean;
  enrolled: boolean;
  /** The first letter of the name, for a screen others can see. */
  maskedName: string | null;
  confirmed: number;
  provisional: number;
  overdrawn: boolean;
}

export interface RegisterResult {
  deviceId: string;
  storeId: string;
  storeName: string;
  serverUrl: string;
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;

const realTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const silentLog: SyncLog = { info() {}, warn() {}, error() {} };

export function createSyncEngine(deps: SyncEngineDeps) {
  const { db, ledger, secrets } = deps;
  const clock = deps.clock ?? (() => new Date());
  const timers = deps.timers ?? realTimers;
  const random = deps.random ?? Math.random;
  const log = deps.log ?? silentLog;
  const options: SyncOptions = { ...DEFAULT_SYNC_OPTIONS, ...deps.options };
  const outbox = createOutbox(db);
  const store = createSyncStore(db);
  const transport: Transport = createTransport(() => store.read().serverUrl ?? '', deps.fetch);

  let running = false;
  let online = false;
  let failures = 0;
  let timer: unknown = null;
  let nextAttemptAt: Date | null = null;
  let watchdog: unknown = null;
  let current: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  let cycleStartedAt = 0;
  let abortCycle: AbortController | null = null;
  let generation = 0;
  /** Events per push: lowered by 413 answers, grown back by clean pushes. */
  let batchSize = Math.min(options.batchSize, MAX_PUSH_EVENTS);
  const listeners = new Set<(status: SyncStatus) => void>();

  // The token is read from its store once (a sealed store may ask the OS keyring each time).
  let cachedToken: string | null | undefined;
  const token = (): string | null =>
    cachedToken === undefined ? (cachedToken = secrets.load()) : cachedToken;
  const isPaired = (state: SyncStateRow = store.read()) =>
    state.serverUrl !== null && state.storeId !== null && token() !== null;

  function status(): SyncStatus {
    const state = store.read();
    return {
      paired: isPaired(state),
      serverUrl: state.serverUrl,
      storeId: state.storeId,
      running,
      syncing: current !== null,
      online,
      pendingEvents: outbox.pendingCount(),
      lastPushAt: state.lastPushAt,
      lastPullAt: state.lastPullAt,
      lastSuccessAt: state.lastSuccessAt,
      lastError: state.lastError,
      lastErrorAt: state.lastErrorAt,
      clockSkewMs: state.clockSkewMs,
      clockSkewFlagged: state.clockSkewFlagged,
      pairingProblem: state.authProblem,
      consecutiveFailures: failures,
      nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
      unsyncedDayCloses: dayCloser.unsyncedDays(),
    };
  }

  function emit(): void {
    if (listeners.size === 0) return;
    const snapshot = status();
    for (const listener of listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        log.error('sync_status_listener_failed', { error: String(error) });
      }
    }
  }

  function setOnline(value: boolean): void {
    if (online === value) return;
    online = value;
    log.info(value ? 'sync_online' : 'sync_offline', {});
  }

  function schedule(ms: number): void {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    nextAttemptAt = null;
    if (!running) return;
    nextAttemptAt = new Date(clock().getTime() + ms);
    timer = timers.setTimeout(() => {
      timer = null;
      nextAttemptAt = null;
      void tick();
    }, ms);
  }

  /** The idle timer: sync when the outbox has something, or when it is time to pull. */
  async function tick(): Promise<void> {
    if (!running) return;
    const state = store.read();
    const lastPull = state.lastPullAt ? Date.parse(state.lastPullAt) : 0;
    const due =
      failures > 0 || outbox.pendingCount() > 0 || clock().getTime() - lastPull >= options.pullEveryMs;
    if (due) await requestCycle();
    else schedule(options.idlePollMs);
  }

  /**
   * A cycle that starts after this call. Calls while one runs share the next one, so "Sync now"
   * pressed five times runs at most two cycles.
   */
  function requestCycle(): Promise<void> {
    if (!current) {
      current = runCycle().finally(() => {
        current = null;
      });
      return current;
    }
    if (!queued) {
      queued = current.then(() => {
        queued = null;
        return requestCycle();
      });
    }
    return queued;
  }

  async function runCycle(): Promise<void> {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    nextAttemptAt = null;
    const state = store.read();
    const secret = token();
    if (state.serverUrl === null || state.storeId === null || secret === null) {
      // Not paired: look again later (pairing starts a cycle at once anyway).
      schedule(options.idlePollMs);
      emit();
      return;
    }
    const myGeneration = ++generation;
    const controller = new AbortController();
    abortCycle = controller;
    cycleStartedAt = Date.now();
    emit();
    let refusal: SyncFailure | null = null;
    try {
      try {
        await pushAll(secret, state.storeId, controller.signal);
      } catch (error) {
        // The server refused one event's batch as invalid: nothing was stored, so pulling is
        // still safe, and the manager should still see the other tills' balances.
        if (error instanceof SyncFailure && error.kind === 'refused') refusal = error;
        else throw error;
      }
      const reset = await pullAll(secret, state.storeId, controller.signal);
      if (reset) await reconcileAfterRestore(secret, state.storeId, controller.signal);
      await dayCloser.confirmPending(secret, state.storeId, controller.signal);
      if (refusal) throw refusal;
      if (myGeneration !== generation) return;
      failures = 0;
      setOnline(true);
      store.recordSuccess(clock());
      schedule(options.idlePollMs);
    } catch (error) {
      if (myGeneration !== generation) return;
      failures++;
      const failure =
        error instanceof SyncFailure
          ? error
          : new SyncFailure('server', `Sync stopped on an unexpected error: ${String(error)}`);
      if (!(error instanceof SyncFailure)) log.error('sync_unexpected_error', { error: String(error) });
      setOnline(failure.kind !== 'network' && failure.kind !== 'server');
      store.recordError(failure.message, clock());
      if (failure.kind === 'auth') store.recordAuthProblem(failure.message);
      const wait = retryDelay(failure, failures, options.backoff, random);
      log.warn('sync_failed', { kind: failure.kind, error: failure.message, failures, retryInMs: wait });
      schedule(wait);
    } finally {
      if (abortCycle === controller) abortCycle = null;
      emit();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Push

  function batchBody(storeId: string, deviceId: string, events: readonly PendingEvent[]): string {
    // The stored canonical bytes of each event go out as they are: a retry is byte-identical.
    return `{"deviceId":${JSON.stringify(deviceId)},"events":[${events.map((e) => e.body).join(',')}],"sentAt":${JSON.stringify(clock().toISOString())},"storeId":${JSON.stringify(storeId)}}`;
  }

  const pendingAfter = db.prepare(
    `SELECT o.seq, e.id, e.phone, e.points_delta AS pointsDelta, e.body, o.attempts
       FROM outbox o JOIN ledger_events e ON e.seq = o.seq
      WHERE o.seq > ? ORDER BY o.seq LIMIT ?`,
  );

  /** The next events to push after `afterSeq`: at most `size`, and within the byte budget. */
  function takeBatch(afterSeq: number, size: number): PendingEvent[] {
    const candidates = pendingAfter.all(afterSeq, size) as PendingEvent[];
    const batch: PendingEvent[] = [];
    let bytes = 200;
    for (const event of candidates) {
      const length = Buffer.byteLength(event.body) + 1;
      if (batch.length > 0 && bytes + length > options.maxBatchBytes) break;
      batch.push(event);
      bytes += length;
    }
    return batch;
  }

  async function postBatch(
    secret: string,
    storeId: string,
    events: readonly PendingEvent[],
    signal: AbortSignal,
  ): Promise<{ body: PushResponse; serverDate: Date | null }> {
    return transport.request('POST', '/v1/sync/push', {
      schema: PushResponseSchema,
      body: batchBody(storeId, ledger.deviceId, events),
      timeoutMs: options.requestTimeoutMs,
      token: secret,
      signal,
    });
  }

  /** The server's answer must name exactly the events sent, in order; anything else settles none. */
  function settlementsOf(events: readonly PendingEvent[], reply: PushResponse): Settlement[] {
    if (reply.results.length !== events.length) {
      throw new SyncFailure(
        'server',
        `The server answered ${reply.results.length} results for ${events.length} events.`,
      );
    }
    return events.map((event, index) => {
      const result = reply.results[index]!;
      if (result.seq !== event.seq || result.id !== event.id) {
        throw new SyncFailure('server', `The server's answer for seq ${event.seq} names another event.`);
      }
      return result.status === 'rejected'
        ? { seq: event.seq, state: 'rejected', reason: `${result.reason}: ${result.message}` }
        : { seq: event.seq, state: result.status };
    });
  }

  const settleBatch = db.transaction((settlements: Settlement[], reply: PushResponse, now: Date) => {
    outbox.settle(settlements, [], now);
    store.saveConfirmed(reply.balances, now);
    store.recordPush(now, reply.lastSeq, reply.clockSkewMs, reply.clockSkewFlagged);
  });

  async function pushAll(secret: string, storeId: string, signal: AbortSignal): Promise<void> {
    let requeues = 0;
    // The next batch, sent as soon as the previous answer arrived and before it is settled here:
    // the server has committed the previous batch, so this one starts where it stopped, and the
    // till's settle transaction (and its fsync) runs while the server works on the next one.
    let ahead: { events: PendingEvent[]; reply: Promise<PushResponse> } | null = null;
    const send = (events: PendingEvent[]) => {
      const reply = postBatch(secret, storeId, events, signal).then((r) => r.body);
      // Awaited at the next turn of the loop (never, if settling the batch before it fails): a
      // failure before then must not count as an unhandled rejection (the await still sees it).
      reply.catch(() => {});
      return { events, reply };
    };
    for (;;) {
      if (signal.aborted) throw new SyncFailure('network', 'The sync was restarted by its watchdog.');
      let batch = ahead;
      ahead = null;
      if (!batch) {
        const events = takeBatch(0, batchSize);
        if (events.length === 0) return;
        batch = send(events);
      }
      const { events } = batch;
      let reply: PushResponse;
      try {
        reply = await batch.reply;
      } catch (error) {
        if (!(error instanceof SyncFailure)) throw error;
        if (error.kind === 'too_large' && events.length > 1) {
          batchSize = Math.max(1, Math.floor(events.length / 2));
          log.warn('sync_batch_split', { events: events.length, next: batchSize });
          continue;
        }
        if (error.kind === 'refused' && events.length > 1) {
          // One event the server cannot read would refuse the whole batch: halve until it is
          // alone, so every event before it still goes through.
          batchSize = Math.max(1, Math.floor(events.length / 2));
          continue;
        }
        if (error.kind === 'seq_gap' && error.detail.expectedSeq !== undefined && requeues < 3) {
          // The server lacks events this till settled: it was restored from an older backup.
          // Send them again; their ids make it safe whatever the server still has.
          const from = error.detail.expectedSeq;
          const requeued = from < events[0]!.seq ? outbox.requeueFrom(from) : 0;
          log.warn('sync_server_missing_events', { expectedSeq: from, requeued });
          requeues++;
          if (requeued > 0) continue;
        }
        if (error.kind === 'refused') {
          const event = events[0]!;
          // Support may have voided it on the server (void-event): then the device's last seq,
          // which an empty push tells, is past it. Settled as rejected, the queue goes on.
          const handshake = (await postBatch(secret, storeId, [], signal)).body;
          if (handshake.lastSeq >= event.seq) {
            const reason = `voided: The server could not read this event (${error.message}); support voided it, so it was not applied.`;
            settleBatch.immediate([{ seq: event.seq, state: 'rejected', reason }], handshake, clock());
            log.warn('sync_event_voided', { seq: event.seq, lastSeq: handshake.lastSeq });
            continue;
          }
          throw new SyncFailure(
            'refused',
            `The server refused event ${event.seq} (${error.message}); events after it wait. Contact support: they can void seq ${event.seq} of device ${ledger.deviceId}.`,
            error.detail,
          );
        }
        if (error.retryable)
          outbox.recordAttempt(
            events.map((event) => event.seq),
            error.message,
          );
        throw error;
      }
      const settlements = settlementsOf(events, reply);
      batchSize = Math.min(options.batchSize, MAX_PUSH_EVENTS, batchSize * 2);
      const following = takeBatch(events[events.length - 1]!.seq, batchSize);
      if (following.length > 0 && !signal.aborted) {
        ahead = send(following);
        // fetch writes the request a few promise steps later, and the settle below holds the
        // event loop through its transaction and fsync: without this turn the next batch left
        // only after the settle, and the server waited for the till (bench/sync.bench.ts).
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      settleBatch.immediate(settlements, reply, clock());
      setOnline(true);
      const rejected = reply.results.filter((result) => result.status === 'rejected');
      if (rejected.length > 0) log.warn('sync_events_rejected', { rejected });
      lastProgressAt = Date.now();
      emit();
    }
  }

  let lastProgressAt = Date.now();

  // ------------------------------------------------------------------------------------------
  // Pull

  /**
   * After the server asked for a fresh start (it was restored from a backup), ask it how far it
   * has this till's events (an empty push answers lastSeq) and send again whatever it lost, even
   * with no new sale to reveal the gap.
   */
  async function reconcileAfterRestore(secret: string, storeId: string, signal: AbortSignal): Promise<void> {
    const { body } = await postBatch(secret, storeId, [], signal);
    const lastLocal = (maxSettledSeq.get() as number | null) ?? 0;
    if (body.lastSeq < lastLocal) {
      const requeued = outbox.requeueFrom(body.lastSeq + 1);
      log.warn('sync_server_missing_events', { serverLastSeq: body.lastSeq, lastLocal, requeued });
      await pushAll(secret, storeId, signal);
    } else if (body.lastSeq > ((maxSeq.get() as number | null) ?? 0)) {
      log.error('sync_till_behind_server', { serverLastSeq: body.lastSeq, lastLocal });
      store.recordError(
        `The server has events of this till up to ${body.lastSeq}, more than this till has: its ledger may have been restored from an old copy. Contact support.`,
        clock(),
      );
    }
  }

  const maxSettledSeq = db.prepare('SELECT max(seq) FROM settled_events').pluck();
  const maxSeq = db.prepare('SELECT max(seq) FROM ledger_events').pluck();

  /** Pulls until up to date; true when the server asked for a fresh start on the way. */
  async function pullAll(secret: string, storeId: string, signal: AbortSignal): Promise<boolean> {
    let resets = 0;
    for (;;) {
      if (signal.aborted) throw new SyncFailure('network', 'The sync was restarted by its watchdog.');
      const { cursor } = store.read();
      const query = new URLSearchParams({ limit: String(options.pullLimit), storeId });
      if (cursor) query.set('cursor', cursor);
      const { body: page, serverDate } = await transport.request('GET', `/v1/sync/pull?${query}`, {
        schema: PullResponseSchema,
        timeoutMs: options.requestTimeoutMs,
        token: secret,
        signal,
      });
      if (serverDate && store.read().lastPushAt === null) {
        store.recordSkew(clock().getTime() - serverDate.getTime());
      }
      if (page.resetRequired) {
        resets++;
        if (resets > 2) throw new SyncFailure('server', 'The server keeps asking for a fresh start.');
        log.warn('sync_pull_reset', { cursor });
        store.beginReset();
        continue;
      }
      const effects = store.savePage(page.changes, page.cursor, page.upToDate, clock());
      // Load what the page changed into the ledger's memory (idempotent: the rows are saved).
      if (effects.store) ledger.setStore(effects.store);
      if (effects.program && effects.program.version !== ledger.program.version) {
        ledger.setProgram(effects.program);
      }
      lastProgressAt = Date.now();
      if (page.upToDate) return resets > 0;
    }
  }

  // ------------------------------------------------------------------------------------------
  // End of day

  const dayCloser = createDayCloser({
    db,
    ledger,
    outbox,
    store,
    clock,
    log,
    push: (secret, storeId, events, signal) =>
      postBatch(secret, storeId, events, signal ?? new AbortController().signal).then((r) => r.body),
    takeBatchBytes: options.maxBatchBytes,
  });

  // ------------------------------------------------------------------------------------------
  // Watchdog

  function startWatchdog(): void {
    watchdog = timers.setTimeout(() => {
      watchdog = null;
      if (!running) return;
      const stuck = current !== null && Date.now() - cycleStartedAt > options.stuckAfterMs;
      if (stuck) {
        log.error('sync_watchdog_restart', {
          runningForMs: Date.now() - cycleStartedAt,
          pendingEvents: outbox.pendingCount(),
          sinceProgressMs: Date.now() - lastProgressAt,
        });
        abortCycle?.abort();
        generation++;
        current = null;
        queued = null;
        void requestCycle();
      } else if (current === null && timer === null) {
        // The loop lost its timer (it must never happen): start it again.
        log.error('sync_watchdog_rearm', {});
        void requestCycle();
      }
      startWatchdog();
    }, options.watchdogMs);
  }

  // ------------------------------------------------------------------------------------------
  // Pairing

  async function registerDevice(
    serverUrlInput: string,
    enrollmentCode: string,
    name: string,
    mode: { repair?: boolean } = {},
  ): Promise<RegisterResult> {
    const serverUrl = parseServerUrl(serverUrlInput);
    const state = store.read();
    // A paired till whose token still works is re-paired only on purpose (a new code in the
    // environment, same server). With a pairing problem (revoked or unknown token) it may always
    // pair again: the server gives the same device a new token and keeps its last seq.
    const repairing = mode.repair === true && state.serverUrl === serverUrl;
    if (isPaired(state) && state.authProblem === null && !repairing) {
      throw new SyncFailure(
        'refused',
        'This till is already paired. Unpair it first to pair it with another server.',
      );
    }
    const pairingTransport = createTransport(() => serverUrl, deps.fetch);
    let body: RegisterResponse;
    try {
      ({ body } = await pairingTransport.request('POST', '/v1/devices/register', {
        schema: RegisterResponseSchema,
        body: { enrollmentCode, name, deviceId: ledger.deviceId },
        timeoutMs: options.registerTimeoutMs,
      }));
    } catch (error) {
      // A code the server calls unknown, used or expired never becomes good: do not send it again.
      if (error instanceof SyncFailure && error.detail.code === 'invalid_enrollment_code') {
        store.rememberCode(enrollmentCodeHash(enrollmentCode), clock());
      }
      throw error;
    }
    if (body.deviceId !== ledger.deviceId) {
      throw new SyncFailure(
        'refused',
        `The server gave this till device id ${body.deviceId}, but its ledger is ${ledger.deviceId}.`,
      );
    }
    // A cycle still running holds the old token: whatever it hears (a 401 now) is stale and must
    // not mark the new pairing as refused.
    generation++;
    // The token first: a crash after it leaves a till that looks unpaired (pair again), never one
    // that believes it is paired without a token.
    secrets.save(body.token);
    cachedToken = body.token;
    store.pair(serverUrl, body.storeId, clock());
    store.rememberCode(enrollmentCodeHash(enrollmentCode), clock());
    ledger.setStore(storeSettingsOf(body.store));
    failures = 0;
    log.info(state.serverUrl === null ? 'sync_paired' : 'sync_repaired', {
      serverUrl,
      storeId: body.storeId,
      deviceId: body.deviceId,
      pendingEvents: outbox.pendingCount(),
    });
    emit();
    if (running) void requestCycle();
    return { deviceId: body.deviceId, storeId: body.storeId, storeName: body.store.name, serverUrl };
  }

  // ------------------------------------------------------------------------------------------
  // Customer look-up

  const localCustomer = db.prepare(
    `SELECT c.phone AS enrolledPhone, c.first_name AS firstName, b.confirmed_points AS confirmed,
            b.unsynced_points AS unsynced
       FROM (SELECT ? AS phone) q
       LEFT JOIN customers c ON c.phone = q.phone
       LEFT JOIN balances b ON b.phone = q.phone`,
  );

  function localLookup(phone: string): CustomerLookup {
    const row = localCustomer.get(phone) as {
      enrolledPhone: string | null;
      firstName: string | null;
      confirmed: number | null;
      unsynced: number | null;
    };
    const confirmed = row.confirmed ?? 0;
    const provisional = confirmed + (row.unsynced ?? 0);
    return {
      phone,
      source: 'local',
      known: row.enrolledPhone !== null || row.confirmed !== null,
      enrolled: row.enrolledPhone !== null,
      maskedName: maskName(row.firstName),
      confirmed,
      provisional,
      overdrawn: confirmed < 0,
    };
  }

  async function lookupCustomer(phoneInput: unknown): Promise<CustomerLookup> {
    const phone = parsePhone(phoneInput, ledger.store.country);
    const local = localLookup(phone);
    const secret = token();
    if (!isPaired()) return local;
    try {
      const { body } = await transport.request('GET', `/v1/customers/${encodeURIComponent(phone)}`, {
        schema: CustomerLookupResponseSchema,
        timeoutMs: options.lookupTimeoutMs,
        token: secret ?? '',
      });
      setOnline(true);
      if (store.adoptLookedUp(body, clock())) emit();
      const unsynced = local.provisional - local.confirmed;
      return {
        phone,
        source: 'server',
        known: true,
        enrolled: body.enrolled || local.enrolled,
        maskedName: body.maskedName ?? local.maskedName,
        confirmed: body.balance,
        provisional: body.balance + unsynced,
        overdrawn: body.overdrawn,
      };
    } catch (error) {
      if (error instanceof SyncFailure && error.detail.status === 404) {
        setOnline(true);
        return { ...local, source: 'server' };
      }
      if (error instanceof SyncFailure && !error.retryable) return local;
      if (!(error instanceof SyncFailure)) throw error;
      // Too slow or unreachable: the customer is at the counter, the till's own data will do.
      setOnline(false);
      return local;
    }
  }

  return {
    /** Starts the loop: a cycle now, then polling, backoff and the watchdog. Idempotent. */
    start(): void {
      if (running) return;
      running = true;
      log.info('sync_started', { paired: isPaired() });
      startWatchdog();
      void requestCycle();
    },
    /** Stops the loop and aborts a request in flight; resolves when the cycle has ended. */
    async stop(): Promise<void> {
      running = false;
      if (timer !== null) timers.clearTimeout(timer);
      if (watchdog !== null) timers.clearTimeout(watchdog);
      timer = null;
      watchdog = null;
      nextAttemptAt = null;
      abortCycle?.abort();
      const inFlight = current;
      if (inFlight) await inFlight.catch(() => {});
      emit();
    },
    /** Pushes and pulls now (the manager's "Sync now"); resolves with the status after it. */
    async syncNow(): Promise<SyncStatus> {
      await requestCycle();
      return status();
    },
    /** Sync soon: a new event was written (cheap; no wait, no backoff reset). */
    nudge(): void {
      if (running && current === null && failures === 0) void requestCycle();
    },
    /** The OS says the network is back: try at once instead of waiting out the backoff. */
    networkChanged(up: boolean): void {
      if (up && running) void requestCycle();
      if (!up) setOnline(false);
    },
    status,
    onStatus(listener: (status: SyncStatus) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** For the ledger's redemption policy: paired, and the server cannot be reached. */
    isOffline: (): boolean => isPaired() && !online,
    registerDevice,
    /**
     * Pairs from KIOSK_SERVER_URL and KIOSK_ENROLLMENT_CODE; never throws. A code this till has
     * not used yet pairs it (or re-pairs it with the same server: a new token for the same device,
     * its queued events continue where they stopped); a code it already used is not sent again,
     * so a restart with the same environment changes nothing.
     */
    async pairFromEnvironment(
      env: Record<string, string | undefined>,
      name: string,
    ): Promise<{ paired: boolean; message: string; storeName?: string }> {
      const url = env.KIOSK_SERVER_URL;
      const code = env.KIOSK_ENROLLMENT_CODE;
      const state = store.read();
      const paired = isPaired(state);
      if (!url || !code) {
        return paired
          ? { paired: true, message: 'Already paired.' }
          : { paired: false, message: 'No KIOSK_SERVER_URL and KIOSK_ENROLLMENT_CODE.' };
      }
      const healthy = paired && state.authProblem === null;
      if (store.hasUsedCode(enrollmentCodeHash(code))) {
        if (healthy) return { paired: true, message: 'Already paired.' };
        const message = paired
          ? `${state.authProblem ?? ''} The enrolment code in KIOSK_ENROLLMENT_CODE was already used: set a new one.`.trim()
          : 'The enrolment code in KIOSK_ENROLLMENT_CODE was already used or refused: set a new one.';
        return { paired, message };
      }
      let sameServer = false;
      try {
        sameServer = parseServerUrl(url) === state.serverUrl;
      } catch {
        // An invalid address: registerDevice below says so in plain words.
      }
      if (healthy && !sameServer) {
        return {
          paired: true,
          message: `Already paired with ${state.serverUrl}; KIOSK_SERVER_URL names another server. Unpair first to move.`,
        };
      }
      try {
        const result = await registerDevice(url, code, name, { repair: true });
        const message = paired
          ? `Paired again with ${result.storeName}.`
          : `Paired with ${result.storeName}.`;
        return { paired: true, message, storeName: result.storeName };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (healthy && error instanceof SyncFailure && error.detail.code === 'invalid_enrollment_code') {
          // Paired before this till remembered its codes: the code it was paired with is spent.
          return { paired: true, message: 'Already paired (the enrolment code was already used).' };
        }
        store.recordError(`Pairing failed: ${message}`, clock());
        log.warn('sync_pairing_failed', { serverUrl: url, error: message });
        emit();
        return { paired: isPaired(), message };
      }
    },
    /** Forgets the pairing (the token too); the outbox keeps every event for the next pairing. */
    unpair(): void {
      secrets.clear();
      cachedToken = null;
      store.unpair();
      setOnline(false);
      emit();
    },
    /**
     * Takes over a pairing made elsewhere (the shell's pairing.json from before this engine): the
     * token goes to the secret store, the server and store to the sync state.
     */
    adoptPairing(pairing: { serverUrl: string; storeId: string; token: string }): void {
      const serverUrl = parseServerUrl(pairing.serverUrl);
      secrets.save(pairing.token);
      cachedToken = pairing.token;
      store.pair(serverUrl, pairing.storeId, clock());
      failures = 0;
      emit();
      if (running) void requestCycle();
    },
    lookupCustomer,
    /**
     * Closes a business day: pushes and pulls, checks the day's events against the server's copy,
     * records day.closed and returns the Z-report. Offline, it closes locally and says so.
     */
    async closeDay(businessDay: string): Promise<ZReport> {
      const secret = token();
      const state = store.read();
      let reachable = false;
      if (isPaired(state) && secret) {
        await requestCycle();
        reachable = failures === 0;
      }
      const report = await dayCloser.close(businessDay, {
        secret: reachable ? secret : null,
        storeId: state.storeId,
        sync: () => requestCycle().then(() => failures === 0),
      });
      emit();
      return report;
    },
    /** The Z-report saved for a closed day, or null. */
    dayReport: (businessDay: string): ZReport | null => dayCloser.report(businessDay),
    /** The store's open flags from the server when paired and reachable; otherwise why not. */
    async serverFlags(): Promise<ServerFlagsView> {
      const secret = token();
      if (!isPaired() || !secret) {
        return {
          source: 'unavailable',
          flags: [],
          message: 'This kiosk is not paired with a server, so there are no server flags to show.',
        };
      }
      try {
        const { body } = await transport.request('GET', '/v1/sync/flags', {
          schema: SyncFlagsResponseSchema,
          timeoutMs: options.requestTimeoutMs,
          token: secret,
        });
        setOnline(true);
        return {
          source: 'server',
          flags: body.flags.map((flag) => ({
            id: flag.id,
            kind: flag.kind,
            maskedPhone: flag.maskedPhone,
            detail: describeFlag(flag, ledger.deviceId),
            raisedAt: flag.raisedAt,
          })),
          message: null,
        };
      } catch (error) {
        if (!(error instanceof SyncFailure)) throw error;
        if (error.retryable) setOnline(false);
        const why =
          error.kind === 'auth'
            ? error.message
            : error.retryable
              ? `The server could not be reached, so its flags cannot be shown now (${error.message.replace(/\.$/, '')}).`
              : `The server did not give its flags (${error.message.replace(/\.$/, '')}).`;
        return { source: 'unavailable', flags: [], message: why };
      }
    },
  };
}

function parseServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new KioskError('invalid_input', 'The server address is not a valid URL.', 'serverUrl');
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new KioskError(
      'invalid_input',
      'The server address must start with https:// (http:// only for this machine).',
      'serverUrl',
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/** The hash a used enrolment code is remembered by, read as forgivingly as the server reads it. */
function enrollmentCodeHash(code: string): string {
  const normalized = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return createHash('sha256').update(normalized).digest('hex');
}

function maskName(name: string | null): string | null {
  if (!name) return null;
  const first = Array.from(name.trim())[0];
  return first ? `${first.toLocaleUpperCase()}.` : null;
}

import type { Db } from '../db/connection';
import { activateProgram, updateStoreSettings } from '../ledger/till-state';
import type { Program } from '../../shared/program';
import type { StoreSettings } from '../../shared/store';
import type { ConfirmedBalance, PullChange, StoreInfo } from '../../shared/sync';

/**
 * The sync engine's own tables (migration 0003) and the read models it feeds: confirmed balances,
 * the server's customer ids, customers enrolled at other tills of the store, and the program and
 * store settings the server sends. Every method that changes more than one row is one transaction.
 */

export interface SyncStateRow {
  serverUrl: string | null;
  storeId: string | null;
  pairedAt: string | null;
  cursor: string | null;
  snapshotPending: boolean;
  serverLastSeq: number | null;
  lastPushAt: string | null;
  lastPullAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  clockSkewMs: number | null;
  clockSkewFlagged: boolean;
  authProblem: string | null;
}

/** What a saved page changed that the ledger must load into memory after the commit. */
export interface PageEffects {
  program: Program | null;
  store: StoreSettings | null;
  storeName: string | null;
  customers: number;
}

export type SyncStore = ReturnType<typeof createSyncStore>;

export function createSyncStore(db: Db) {
  const s = {
    state: db.prepare(
      `SELECT server_url AS serverUrl, store_id AS storeId, paired_at AS pairedAt, cursor,
              snapshot_pending AS snapshotPending, server_last_seq AS serverLastSeq,
              last_push_at AS lastPushAt, last_pull_at AS lastPullAt, last_success_at AS lastSuccessAt,
              last_error AS lastError, last_error_at AS lastErrorAt, clock_skew_ms AS clockSkewMs,
              clock_skew_flagged AS clockSkewFlagged, auth_problem AS authProblem
         FROM sync_state`,
    ),
    pair: db.prepare(
      `UPDATE sync_state SET server_url = ?, store_id = ?, paired_at = ?, cursor = NULL, snapshot_pending = 1,
              server_last_seq = NULL, auth_problem = NULL, last_error = NULL, last_error_at = NULL`,
    ),
    unpair: db.prepare(
      `UPDATE sync_state SET server_url = NULL, store_id = NULL, paired_at = NULL, cursor = NULL,
              snapshot_pending = 0, server_last_seq = NULL`,
    ),
    pushed: db.prepare(
      `UPDATE sync_state SET last_push_at = ?, server_last_seq = ?, clock_skew_ms = ?, clock_skew_flagged = ?,
              auth_problem = NULL`,
    ),
    skew: db.prepare('UPDATE sync_state SET clock_skew_ms = ?'),
    cursor: db.prepare('UPDATE sync_state SET cursor = ?, last_pull_at = ?, auth_problem = NULL'),
    snapshotDone: db.prepare('UPDATE sync_state SET snapshot_pending = 0'),
    reset: db.prepare('UPDATE sync_state SET cursor = NULL, snapshot_pending = 1'),
    success: db.prepare('UPDATE sync_state SET last_success_at = ?, last_error = NULL, last_error_at = NULL'),
    error: db.prepare('UPDATE sync_state SET last_error = ?, last_error_at = ?'),
    authProblem: db.prepare('UPDATE sync_state SET auth_problem = ?'),
    usedCode: db.prepare('SELECT 1 FROM sync_used_codes WHERE code_hash = ?'),
    useCode: db.prepare('INSERT OR IGNORE INTO sync_used_codes (code_hash, used_at) VALUES (?, ?)'),
    confirmed: db.prepare(
      `INSERT INTO balances (phone, confirmed_points, confirmed_at, confirmed_server_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (phone) DO UPDATE SET confirmed_points = excluded.confirmed_points,
                                         confirmed_at = excluded.confirmed_at,
                                         confirmed_server_seq = excluded.confirmed_server_seq
        WHERE balances.confirmed_server_seq IS NULL
           OR balances.confirmed_server_seq <= excluded.confirmed_server_seq`,
    ),
    serverCustomer: db.prepare(
      `INSERT INTO server_customers (customer_id, phone, server_seq) VALUES (?, ?, ?)
       ON CONFLICT (customer_id) DO UPDATE SET phone = excluded.phone, server_seq = excluded.server_seq
        WHERE server_customers.server_seq <= excluded.server_seq`,
    ),
    adoptCustomer: db.prepare(
      `INSERT INTO customers (phone, first_name, enrolled_at, terms_version, sms_consent)
       VALUES (?, ?, ?, '', 0) ON CONFLICT (phone) DO NOTHING`,
    ),
    phoneOf: db.prepare('SELECT phone FROM server_customers WHERE customer_id = ?').pluck(),
    forgetName: db.prepare('UPDATE customers SET first_name = NULL WHERE phone = ?'),
    forgetServerCustomer: db.prepare('DELETE FROM server_customers WHERE customer_id = ?'),
    forgetConfirmed: db.prepare(
      'UPDATE balances SET confirmed_points = NULL, confirmed_at = NULL, confirmed_server_seq = NULL WHERE phone = ?',
    ),
    staleConfirmed: db.prepare('UPDATE balances SET confirmed_server_seq = NULL'),
    dropStale: db.prepare(
      `UPDATE balances SET confirmed_points = NULL, confirmed_at = NULL
        WHERE confirmed_server_seq IS NULL AND confirmed_points IS NOT NULL`,
    ),
    hasBalance: db.prepare('SELECT 1 FROM balances WHERE phone = ?').pluck(),
    currentProgramVersion: db.prepare('SELECT program_version FROM device').pluck(),
    deviceStore: db.prepare('SELECT country, currency, time_zone AS timeZone FROM device'),
  };

  const read = (): SyncStateRow => {
    const row = s.state.get() as Record<string, unknown>;
    return {
      ...(row as unknown as SyncStateRow),
      snapshotPending: row.snapshotPending === 1,
      clockSkewFlagged: row.clockSkewFlagged === 1,
    };
  };

  function saveConfirmed(balances: readonly ConfirmedBalance[], now: Date): void {
    const at = now.toISOString();
    for (const b of balances) {
      s.confirmed.run(b.phone, b.balance, at, b.serverSeq);
      s.serverCustomer.run(b.customerId, b.phone, b.serverSeq);
    }
  }

  function applyChange(change: PullChange, now: Date, effects: PageEffects): void {
    switch (change.type) {
      case 'store': {
        const store = storeSettingsOf(change.store);
        const current = s.deviceStore.get() as StoreSettings;
        if (
          current.country !== store.country ||
          current.currency !== store.currency ||
          current.timeZone !== store.timeZone
        ) {
          updateStoreSettings(db, store);
        }
        effects.store = store;
        effects.storeName = change.store.name;
        return;
      }
      case 'program': {
        if (s.currentProgramVersion.get() !== change.program.version) {
          activateProgram(db, change.program, now);
        }
        effects.program = change.program;
        return;
      }
      case 'customer': {
        effects.customers++;
        s.confirmed.run(change.phone, change.balance, now.toISOString(), change.serverSeq);
        s.serverCustomer.run(change.customerId, change.phone, change.serverSeq);
        // A customer who joined at another till of the store can check in here too.
        if (change.enrolled) s.adoptCustomer.run(change.phone, change.firstName, now.toISOString());
        return;
      }
      case 'customer.erased': {
        const phone = s.phoneOf.get(change.customerId) as string | undefined;
        if (phone !== undefined) {
          s.forgetName.run(phone);
          s.forgetConfirmed.run(phone);
        }
        s.forgetServerCustomer.run(change.customerId);
        return;
      }
    }
  }

  return {
    read,
    /**
     * Pairs with a server and starts a snapshot. Confirmed balances are kept until it has named
     * them, but their server versions are forgotten: they come from another server or another
     * history, and a snapshot's numbers are not comparable with them.
     */
    pair: db.transaction((serverUrl: string, storeId: string, now: Date) => {
      s.pair.run(serverUrl, storeId, now.toISOString());
      s.staleConfirmed.run();
    }).immediate as (serverUrl: string, storeId: string, now: Date) => void,
    unpair: () => void s.unpair.run(),
    recordPush(now: Date, lastSeq: number, skewMs: number | null, flagged: boolean) {
      s.pushed.run(now.toISOString(), lastSeq, skewMs, flagged ? 1 : 0);
    },
    recordSkew: (skewMs: number) => void s.skew.run(skewMs),
    recordSuccess: (now: Date) => void s.success.run(now.toISOString()),
    recordError: (message: string, now: Date) => void s.error.run(message, now.toISOString()),
    recordAuthProblem: (message: string | null) => void s.authProblem.run(message),
    /** Whether this till has used (or been refused as already used) this enrolment code's hash. */
    hasUsedCode: (codeHash: string) => s.usedCode.get(codeHash) !== undefined,
    rememberCode: (codeHash: string, now: Date) => void s.useCode.run(codeHash, now.toISOString()),
    saveConfirmed,
    /**
     * Saves one pull page and its cursor in one transaction: a crash leaves both or neither, so a
     * page is never skipped and applying one twice changes nothing (changes are newest states).
     */
    savePage: db.transaction(
      (changes: readonly PullChange[], cursor: string | null, upToDate: boolean, now: Date): PageEffects => {
        const effects: PageEffects = { program: null, store: null, storeName: null, customers: 0 };
        for (const change of changes) applyChange(change, now, effects);
        s.cursor.run(cursor, now.toISOString());
        if (upToDate && read().snapshotPending) {
          // A snapshot has named every customer the server knows: balances it did not name are
          // from a history the server no longer has.
          s.dropStale.run();
          s.snapshotDone.run();
        }
        return effects;
      },
    ).immediate as (
      changes: readonly PullChange[],
      cursor: string | null,
      upToDate: boolean,
      now: Date,
    ) => PageEffects,
    /** The server does not know our cursor: pull again from nothing, keeping balances until then. */
    beginReset: db.transaction(() => {
      s.reset.run();
      s.staleConfirmed.run();
    }).immediate as () => void,
    /** A customer's balance from the online look-up, kept only when the till knew nothing of them. */
    adoptLookedUp(
      customer: { customerId: string; phone: string; balance: number; enrolled: boolean },
      now: Date,
    ): boolean {
      return db
        .transaction(() => {
          if (s.hasBalance.get(customer.phone)) return false;
          // No server sequence: the next pull page that names this customer replaces it.
          s.confirmed.run(customer.phone, customer.balance, now.toISOString(), null);
          if (customer.enrolled) s.adoptCustomer.run(customer.phone, null, now.toISOString());
          return true;
        })
        .immediate();
    },
  };
}

export function storeSettingsOf(store: StoreInfo): StoreSettings {
  return { country: store.country, currency: store.currency, timeZone: store.timeZone };
}

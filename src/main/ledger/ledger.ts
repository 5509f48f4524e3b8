import { z } from 'zod';
import type { Db } from '../db/connection';
import { createEventWriter, type BalanceAfter, type EventDraft } from './event-writer';
import { parseInput, parsePhone } from './input';
import {
  activateProgram,
  initialiseTill,
  loadTillState,
  updateStoreSettings,
  type TillState,
} from './till-state';
import { KioskError } from '../../shared/errors';
import {
  ConsentSchema,
  FirstNameSchema,
  LedgerEventSchema,
  MAX_EVENT_POINTS,
  type Consent,
  type LedgerEvent,
} from '../../shared/events';
import { ReceiptIdSchema, StaffIdSchema, shortText } from '../../shared/ids';
import { MoneySchema, type Money } from '../../shared/money';
import {
  earnPoints,
  pointsToReverse,
  progressToNextReward,
  ProgramSchema,
  RewardIdSchema,
  type EarnLine,
  type Program,
  type Reward,
  type RewardProgress,
} from '../../shared/program';
import { SaleSchema } from '../../shared/sale';
import { StoreSettingsSchema, type StoreSettings } from '../../shared/store';
import { BusinessDaySchema } from '../../shared/time';

export interface LedgerDeps {
  db: Db;
  /** The till's clock. Used for receipts and business days only, never to order events. */
  clock: () => Date;
  /** Makes a new UUIDv7 event id (and the device id on first start). */
  newId: () => string;
  /** The store settings a fresh till starts with, until the manager or the server sets them. */
  initialStore: StoreSettings;
}

export interface BalanceView {
  phone: string;
  firstName: string | null;
  /** The balance the server last confirmed (0 before the first sync). */
  confirmed: number;
  /** Confirmed plus this till's events the server has not settled yet: what the customer can use. */
  provisional: number;
  progress: RewardProgress;
}

export type CheckInResult =
  | {
      status: 'checked_in';
      eventId: string;
      receiptId: string | null;
      pointsEarned: number;
      lines: EarnLine[];
      balance: BalanceView;
    }
  /** The receipt had already earned; nothing was written. No balance: it may be someone else's. */
  | { status: 'already_checked_in'; receiptId: string };

export interface RedeemResult {
  eventId: string;
  reward: Reward;
  pointsSpent: number;
  balance: BalanceView;
}

export interface RefundResult {
  eventId: string;
  receiptId: string;
  refunded: Money;
  pointsReversed: number;
  /** What is left of the sale that can still be refunded, in minor units. */
  refundableLeft: number;
  balance: BalanceView;
}

export interface DayTotals {
  businessDay: string;
  checkIns: number;
  enrolments: number;
  pointsEarned: number;
  pointsRedeemed: number;
  pointsReversed: number;
  pointsAdjusted: number;
  /** Every event of the day except day.closed itself. */
  eventCount: number;
  /** Events of the day the server has not settled yet. */
  unsyncedEvents: number;
}

export interface HistoryOptions {
  limit?: number;
  /** Page backwards: only events with a seq below this one. */
  beforeSeq?: number;
}

interface CustomerRow {
  phone: string;
  first_name: string | null;
}

interface ReceiptRow {
  receipt_id: string;
  phone: string;
  total_amount: number;
  currency: string;
  points_earned: number;
  refunded_amount: number;
  points_reversed: number;
}

const AdjustmentSchema = z.strictObject({
  points: z
    .number({ message: 'Points must be a number.' })
    .int({ message: 'Points must be a whole number.' })
    .min(-MAX_EVENT_POINTS)
    .max(MAX_EVENT_POINTS)
    .refine((value) => value !== 0, { message: 'An adjustment must change the balance.' }),
  reason: shortText('Reason', 200),
  staffId: StaffIdSchema,
});

const HistoryOptionsSchema = z.strictObject({
  limit: z.number().int().min(1).max(500).optional(),
  beforeSeq: z.number().int().min(1).optional(),
});

export type Ledger = ReturnType<typeof createLedger>;

/**
 * The till's points ledger: the service the screens, the POS link and sync call. Every operation
 * parses its input first, then does its reads and writes in one IMMEDIATE transaction, so it either
 * happens whole or not at all, and two callers can never interleave inside one.
 */
export function createLedger({ db, clock, newId, initialStore }: LedgerDeps) {
  initialiseTill(db, initialStore, newId, clock());
  let till: TillState = loadTillState(db);

  const writeEvent = createEventWriter(db, newId);
  const statements = {
    customer: db.prepare('SELECT phone, first_name FROM customers WHERE phone = ?'),
    insertCustomer: db.prepare(
      `INSERT INTO customers (phone, first_name, enrolled_at, terms_version, sms_consent) VALUES (?, ?, ?, ?, ?)`,
    ),
    updateConsent: db.prepare('UPDATE customers SET sms_consent = ?, terms_version = ? WHERE phone = ?'),
    balance: db.prepare('SELECT unsynced_points, confirmed_points FROM balances WHERE phone = ?'),
    receipt: db.prepare(
      `SELECT receipt_id, phone, total_amount, currency, points_earned, refunded_amount, points_reversed
         FROM receipts WHERE receipt_id = ?`,
    ),
    insertReceipt: db.prepare(
      `INSERT INTO receipts (receipt_id, phone, total_amount, currency, points_earned, earned_event_id, checked_in_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    recordRefund: db.prepare(
      `UPDATE receipts SET refunded_amount = refunded_amount + ?, points_reversed = points_reversed + ?
        WHERE receipt_id = ?`,
    ),
    history: db.prepare(
      'SELECT body FROM ledger_events WHERE phone = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    dayByType: db.prepare(
      `SELECT type, count(*) AS n, coalesce(sum(points_delta), 0) AS points
         FROM ledger_events WHERE business_day = ? GROUP BY type`,
    ),
    dayUnsynced: db.prepare(
      `SELECT count(*) AS n FROM ledger_events e JOIN outbox o ON o.seq = e.seq
        WHERE e.business_day = ? AND e.type <> 'day.closed'`,
    ),
  };

  // One transaction wrapper for every operation, made once: IMMEDIATE takes the write lock at the
  // start, so the reads an operation decides on cannot change before its writes.
  const inTransaction = db.transaction((work: () => unknown) => work());
  const atomically = <T>(work: () => T): T => inTransaction.immediate(work) as T;

  function context(now: Date) {
    return { deviceId: till.deviceId, timeZone: till.store.timeZone, now };
  }

  function write(draft: Omit<EventDraft, 'ruleVersion'>, now: Date) {
    return writeEvent({ ...draft, ruleVersion: till.program.version } as EventDraft, context(now));
  }

  function requireCustomer(phone: string): CustomerRow {
    const customer = statements.customer.get(phone) as CustomerRow | undefined;
    if (!customer) throw new KioskError('not_enrolled', undefined, 'phone');
    return customer;
  }

  /** The customer's balance; pass the row an event write just returned to save reading it again. */
  function balanceOf(
    customer: CustomerRow,
    row = statements.balance.get(customer.phone) as BalanceAfter | undefined,
  ): BalanceView {
    const confirmed = row?.confirmed_points ?? 0;
    const provisional = confirmed + (row?.unsynced_points ?? 0);
    return {
      phone: customer.phone,
      firstName: customer.first_name,
      confirmed,
      provisional,
      progress: progressToNextReward(provisional, till.program.rewards),
    };
  }

  function requireStoreCurrency(money: Money, field: string, what: string): void {
    if (money.currency !== till.store.currency) {
      throw new KioskError(
        'currency_mismatch',
        `${what} is in ${money.currency}; this store takes ${till.store.currency}.`,
        `${field}.currency`,
      );
    }
  }

  function enroll(phoneInput: unknown, consentInput: unknown, firstNameInput: unknown = null) {
    const phone = parsePhone(phoneInput, till.store.country);
    const consent: Consent = parseInput(ConsentSchema, consentInput, 'consent');
    const firstName = parseInput(FirstNameSchema.nullable(), firstNameInput, 'firstName');
    return atomically(() => {
      if (statements.customer.get(phone)) throw new KioskError('already_enrolled', undefined, 'phone');
      const now = clock();
      const { event, balance } = write(
        { type: 'customer.enrolled', phone, payload: { consent, firstName } },
        now,
      );
      statements.insertCustomer.run(
        phone,
        firstName,
        now.toISOString(),
        consent.termsVersion,
        consent.sms ? 1 : 0,
      );
      return {
        eventId: event.id,
        balance: balanceOf({ phone, first_name: firstName }, balance ?? undefined),
      };
    });
  }

  function changeConsent(phoneInput: unknown, smsInput: unknown) {
    const phone = parsePhone(phoneInput, till.store.country);
    const sms = parseInput(z.boolean(), smsInput, 'sms');
    return atomically(() => {
      requireCustomer(phone);
      const termsVersion = till.program.termsVersion;
      const { event } = write({ type: 'consent.changed', phone, payload: { sms, termsVersion } }, clock());
      statements.updateConsent.run(sms ? 1 : 0, termsVersion, phone);
      return { eventId: event.id };
    });
  }

  function checkIn(phoneInput: unknown, saleInput?: unknown): CheckInResult {
    const phone = parsePhone(phoneInput, till.store.country);
    const sale =
      saleInput === undefined || saleInput === null ? null : parseInput(SaleSchema, saleInput, 'sale');
    if (sale) requireStoreCurrency(sale.total, 'sale.total', 'The sale');
    return atomically((): CheckInResult => {
      const customer = requireCustomer(phone);
      if (sale && statements.receipt.get(sale.receiptId)) {
        return { status: 'already_checked_in', receiptId: sale.receiptId };
      }
      const now = clock();
      const earning = earnPoints(till.program, sale?.total ?? null);
      const { event, balance } = write(
        {
          type: 'points.earned',
          phone,
          payload: {
            receiptId: sale?.receiptId ?? null,
            total: sale?.total ?? null,
            points: earning.points,
          },
        },
        now,
      );
      if (sale) {
        statements.insertReceipt.run(
          sale.receiptId,
          phone,
          sale.total.amount,
          sale.total.currency,
          earning.points,
          event.id,
          now.toISOString(),
        );
      }
      return {
        status: 'checked_in',
        eventId: event.id,
        receiptId: sale?.receiptId ?? null,
        pointsEarned: earning.points,
        lines: earning.lines,
        balance: balanceOf(customer, balance ?? undefined),
      };
    });
  }

  function redeem(phoneInput: unknown, rewardIdInput: unknown, receiptIdInput: unknown = null): RedeemResult {
    const phone = parsePhone(phoneInput, till.store.country);
    const rewardId = parseInput(RewardIdSchema, rewardIdInput, 'rewardId');
    const receiptId = parseInput(ReceiptIdSchema.nullable(), receiptIdInput, 'receiptId');
    const reward = till.program.rewards.find((candidate) => candidate.id === rewardId);
    if (!reward)
      throw new KioskError(
        'unknown_reward',
        `There is no reward "${rewardId}" in the current program.`,
        'rewardId',
      );
    return atomically(() => {
      const customer = requireCustomer(phone);
      const before = balanceOf(customer);
      // The policy floor is zero: a redemption never spends points the customer does not have.
      if (before.provisional < reward.pointsCost) {
        throw new KioskError(
          'insufficient_points',
          `${reward.name} costs ${reward.pointsCost} points; the balance is ${before.provisional}.`,
          'rewardId',
        );
      }
      const { event, balance } = write(
        {
          type: 'points.redeemed',
          phone,
          payload: { rewardId: reward.id, rewardName: reward.name, points: reward.pointsCost, receiptId },
        },
        clock(),
      );
      return {
        eventId: event.id,
        reward,
        pointsSpent: reward.pointsCost,
        balance: balanceOf(customer, balance ?? undefined),
      };
    });
  }

  function refund(receiptIdInput: unknown, amountInput?: unknown): RefundResult {
    const receiptId = parseInput(ReceiptIdSchema, receiptIdInput, 'receiptId');
    const amount =
      amountInput === undefined || amountInput === null
        ? null
        : parseInput(MoneySchema, amountInput, 'amount');
    if (amount) requireStoreCurrency(amount, 'amount', 'The refund');
    return atomically((): RefundResult => {
      const receipt = statements.receipt.get(receiptId) as ReceiptRow | undefined;
      if (!receipt)
        throw new KioskError(
          'unknown_receipt',
          `Receipt "${receiptId}" was not checked in here.`,
          'receiptId',
        );
      const left = receipt.total_amount - receipt.refunded_amount;
      const refundAmount = amount?.amount ?? left;
      if (refundAmount === 0 || refundAmount > left) {
        throw new KioskError(
          refundAmount === 0 && amount ? 'invalid_amount' : 'refund_exceeds_sale',
          refundAmount === 0 && amount
            ? 'A refund must be more than zero.'
            : `${left} of ${receipt.total_amount} minor units can still be refunded.`,
          'amount',
        );
      }
      const points = pointsToReverse(
        {
          earned: receipt.points_earned,
          saleTotal: receipt.total_amount,
          refundedBefore: receipt.refunded_amount,
          reversedBefore: receipt.points_reversed,
        },
        refundAmount,
      );
      const refunded = { amount: refundAmount, currency: receipt.currency };
      const { event, balance } = write(
        { type: 'points.reversed', phone: receipt.phone, payload: { receiptId, refund: refunded, points } },
        clock(),
      );
      statements.recordRefund.run(refundAmount, points, receiptId);
      return {
        eventId: event.id,
        receiptId,
        refunded,
        pointsReversed: points,
        refundableLeft: left - refundAmount,
        balance: balanceOf(requireCustomer(receipt.phone), balance ?? undefined),
      };
    });
  }

  function adjust(phoneInput: unknown, pointsInput: unknown, reasonInput: unknown, staffIdInput: unknown) {
    const phone = parsePhone(phoneInput, till.store.country);
    const { points, reason, staffId } = parseInput(
      AdjustmentSchema,
      { points: pointsInput, reason: reasonInput, staffId: staffIdInput },
      'adjustment',
    );
    return atomically(() => {
      const customer = requireCustomer(phone);
      const before = balanceOf(customer);
      if (before.provisional + points < 0) {
        throw new KioskError(
          'insufficient_points',
          `Taking ${-points} points would leave a negative balance (it is ${before.provisional}).`,
          'points',
        );
      }
      const { event, balance } = write(
        { type: 'points.adjusted', phone, payload: { points, reason, staffId } },
        clock(),
      );
      return { eventId: event.id, balance: balanceOf(customer, balance ?? undefined) };
    });
  }

  function balance(phoneInput: unknown): BalanceView {
    const phone = parsePhone(phoneInput, till.store.country);
    return balanceOf(requireCustomer(phone));
  }

  function history(phoneInput: unknown, optionsInput: HistoryOptions = {}): LedgerEvent[] {
    const phone = parsePhone(phoneInput, till.store.country);
    const options = parseInput(HistoryOptionsSchema, optionsInput, 'options');
    requireCustomer(phone);
    const rows = statements.history.all(
      phone,
      options.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      options.limit ?? 50,
    ) as {
      body: string;
    }[];
    return rows.map((row) => LedgerEventSchema.parse(JSON.parse(row.body)));
  }

  function dayTotals(businessDayInput: unknown): DayTotals {
    const businessDay = parseInput(BusinessDaySchema, businessDayInput, 'businessDay');
    const byType = new Map(
      (statements.dayByType.all(businessDay) as { type: string; n: number; points: number }[]).map((row) => [
        row.type,
        row,
      ]),
    );
    const count = (type: string) => byType.get(type)?.n ?? 0;
    const points = (type: string) => byType.get(type)?.points ?? 0;
    return {
      businessDay,
      checkIns: count('points.earned'),
      enrolments: count('customer.enrolled'),
      pointsEarned: points('points.earned'),
      pointsRedeemed: 0 - points('points.redeemed'),
      pointsReversed: 0 - points('points.reversed'),
      pointsAdjusted: points('points.adjusted'),
      eventCount: [...byType.values()]
        .filter((row) => row.type !== 'day.closed')
        .reduce((sum, row) => sum + row.n, 0),
      unsyncedEvents: (statements.dayUnsynced.get(businessDay) as { n: number }).n,
    };
  }

  /** Records the day's totals as a day.closed event, which the server checks against its own. */
  function closeDay(businessDayInput: unknown): LedgerEvent {
    const businessDay = parseInput(BusinessDaySchema, businessDayInput, 'businessDay');
    return atomically(() => {
      const { unsyncedEvents: _unsynced, ...totals } = dayTotals(businessDay);
      return write({ type: 'day.closed', phone: null, payload: totals }, clock()).event;
    });
  }

  function setProgram(programInput: unknown): Program {
    const program = parseInput(ProgramSchema, programInput, 'program');
    activateProgram(db, program, clock());
    till = loadTillState(db);
    return till.program;
  }

  function setStore(storeInput: unknown): StoreSettings {
    updateStoreSettings(db, parseInput(StoreSettingsSchema, storeInput, 'store'));
    till = loadTillState(db);
    return till.store;
  }

  return {
    get deviceId() {
      return till.deviceId;
    },
    get store() {
      return till.store;
    },
    get program() {
      return till.program;
    },
    enroll,
    changeConsent,
    checkIn,
    redeem,
    refund,
    adjust,
    balance,
    history,
    dayTotals,
    closeDay,
    setProgram,
    setStore,
  };
}

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
  explanationOf,
  FirstNameSchema,
  LedgerEventSchema,
  MAX_EVENT_POINTS,
  type Consent,
  type ExplanationLine,
  type LedgerEvent,
} from '../../shared/events';
import { ReceiptIdSchema, StaffIdSchema, shortText } from '../../shared/ids';
import { formatMoney, MoneySchema, type Money } from '../../shared/money';
import {
  progressToNextReward,
  ProgramSchema,
  RewardIdSchema,
  type Program,
  type Reward,
  type RewardProgress,
} from '../../shared/program';
import {
  evaluateCheckIn,
  limitPeriodStart,
  NO_REFUND_YET,
  redemptionDecision,
  refundReceipt,
  type EarnedLine,
  type EarnedReceipt,
  type RefundProgress,
  type RefundRequest,
} from '../../shared/rules';
import { RefundLinesSchema, SaleSchema } from '../../shared/sale';
import { StoreSettingsSchema, type StoreSettings } from '../../shared/store';
import { sectionsOf } from '../../shared/rules/schema';
import { BusinessDaySchema, businessDayOf } from '../../shared/time';
import { createCustomerState } from './customer-state';
import { createExplanationReader, keepsExplanation, storedExplanation } from './explanation';

export interface LedgerDeps {
  db: Db;
  /** The till's clock. Used for receipts and business days only, never to order events. */
  clock: () => Date;
  /** Makes a new UUIDv7 event id (and the device id on first start). */
  newId: () => string;
  /** The store settings a fresh till starts with, until the manager or the server sets them. */
  initialStore: StoreSettings;
  /**
   * True while a paired till cannot reach its server (the sync engine's answer): redemptions are
   * then capped by the program's offline allowance. Absent: the till is its own source of truth.
   */
  isOffline?: () => boolean;
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
      /** Why, line by line: a short label for the customer, the full detail for the cashier. */
      lines: EarnedLine[];
      /** The tier the customer holds after this check-in, and whether it just went up. */
      tier: { id: string; name: string } | null;
      tierChanged: boolean;
      /** When these points expire (null: never). */
      expiresOn: string | null;
      balance: BalanceView;
    }
  /** Too soon after the last check-in, or too many today; nothing was written. */
  | { status: 'not_allowed'; reason: 'cooldown' | 'daily_limit'; message: string; retryAt: string }
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
  /** Points spent on rewards for this receipt, given back by this refund. */
  pointsRestored: number;
  /** What is left of the sale that can still be refunded, in minor units. */
  refundableLeft: number;
  balance: BalanceView;
}

/** One check-in of a day, for the cashier's list (the screens mask the phone). */
export interface DayCheckIn {
  eventId: string;
  occurredAt: string;
  phone: string;
  points: number;
  receiptId: string | null;
  /**
   * Why it earned that: as the event kept it, or recomputed for programs whose events do not keep it
   * (./explanation.ts); absent for events written before explanations were kept.
   */
  explanation?: ExplanationLine[];
}

const hourFormatters = new Map<string, Intl.DateTimeFormat>();

/** The hour (0–23) an instant shows on a clock in a time zone. */
export function hourIn(instant: Date, timeZone: string): number {
  let formatter = hourFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
    hourFormatters.set(timeZone, formatter);
  }
  return Number(formatter.format(instant)) % 24;
}

export interface DayTotals {
  businessDay: string;
  checkIns: number;
  enrolments: number;
  pointsEarned: number;
  pointsRedeemed: number;
  /** Earned points taken back by refunds. */
  pointsReversed: number;
  /** Points spent on rewards for refunded receipts, given back by those refunds. */
  pointsRestored: number;
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
  /** JSON of the engine's EarnedReceipt; null for receipts from schema version 1. */
  earned: string | null;
  /** JSON of the engine's RefundProgress; null before the first refund under version 2. */
  refund_progress: string | null;
}

/** What a version-1 receipt earned: its total alone, with no line breakdown. */
function earnedOf(receipt: ReceiptRow): EarnedReceipt {
  if (receipt.earned) return JSON.parse(receipt.earned) as EarnedReceipt;
  return {
    total: receipt.total_amount,
    points: receipt.points_earned,
    receiptPoints: receipt.points_earned,
    lines: [],
  };
}

/** An event's kept explanation, from its stored JSON; null if it does not parse (never throws). */
function explanationFrom(json: string): ExplanationLine[] | null {
  try {
    return storedExplanation(JSON.parse(json));
  } catch {
    return null;
  }
}

function refundProgressOf(receipt: ReceiptRow): RefundProgress {
  if (receipt.refund_progress) return JSON.parse(receipt.refund_progress) as RefundProgress;
  return {
    ...NO_REFUND_YET,
    refundedAmount: receipt.refunded_amount,
    pointsTakenBack: receipt.points_reversed,
  };
}

/** "Refund the rest": by amount, or every unit still unrefunded when the receipt went line by line. */
function restOf(earned: EarnedReceipt, progress: RefundProgress): RefundRequest {
  if (!progress.refundedQuantities.some((quantity) => quantity > 0)) {
    return { kind: 'amount', amount: earned.total - progress.refundedAmount };
  }
  const lines = earned.lines
    .map((line, index) => ({
      line: index,
      quantity: line.quantity - (progress.refundedQuantities[index] ?? 0),
    }))
    .filter((line) => line.quantity > 0);
  return { kind: 'lines', lines };
}

const RefundByLinesSchema = z.strictObject({ lines: RefundLinesSchema });

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

/** The calendar day after a YYYY-MM-DD date. */
function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The till's points ledger: the service the screens, the POS link and sync call. Every operation
 * parses its input first, then does its reads and writes in one IMMEDIATE transaction, so it either
 * happens whole or not at all, and two callers can never interleave inside one.
 */
export function createLedger({ db, clock, newId, initialStore, isOffline = () => false }: LedgerDeps) {
  initialiseTill(db, initialStore, newId, clock());
  let till: TillState = loadTillState(db);

  const writeEvent = createEventWriter(db, newId);
  const customerState = createCustomerState(db);
  const explanations = createExplanationReader(db);
  const statements = {
    customer: db.prepare('SELECT phone, first_name FROM customers WHERE phone = ?'),
    insertCustomer: db.prepare(
      `INSERT INTO customers (phone, first_name, enrolled_at, terms_version, sms_consent) VALUES (?, ?, ?, ?, ?)`,
    ),
    updateConsent: db.prepare('UPDATE customers SET sms_consent = ?, terms_version = ? WHERE phone = ?'),
    balance: db.prepare('SELECT unsynced_points, confirmed_points FROM balances WHERE phone = ?'),
    receipt: db.prepare(
      `SELECT receipt_id, phone, total_amount, currency, points_earned, refunded_amount, points_reversed,
              earned, refund_progress
         FROM receipts WHERE receipt_id = ?`,
    ),
    insertReceipt: db.prepare(
      `INSERT INTO receipts (receipt_id, phone, total_amount, currency, points_earned, earned_event_id, checked_in_at, earned)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    recordRefund: db.prepare(
      `UPDATE receipts SET refunded_amount = refunded_amount + ?, points_reversed = points_reversed + ?,
                           refund_progress = ?
        WHERE receipt_id = ?`,
    ),
    redemptionsOnReceipt: db.prepare(
      'SELECT reward_id AS rewardId, points, sale_line AS saleLine FROM receipt_redemptions WHERE receipt_id = ?',
    ),
    recordRedemptionOnReceipt: db.prepare(
      'INSERT INTO receipt_redemptions (event_id, receipt_id, reward_id, points, sale_line) VALUES (?, ?, ?, ?, ?)',
    ),
    history: db.prepare(
      'SELECT body FROM ledger_events WHERE phone = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    // For points.reversed the delta nets the points taken back against reward points given back;
    // the day's totals report the two apart, from the payload.
    dayByType: db.prepare(
      `SELECT type, count(*) AS n, coalesce(sum(points_delta), 0) AS points,
              coalesce(sum(CASE WHEN type = 'points.reversed' THEN json_extract(body, '$.payload.points') END), 0) AS takenBack,
              coalesce(sum(CASE WHEN type = 'points.reversed' THEN json_extract(body, '$.payload.restoredPoints') END), 0) AS restored
         FROM ledger_events WHERE business_day = ? GROUP BY type`,
    ),
    // Points this till let the customer redeem that the server has not settled yet: what the
    // offline cap counts ("since the last successful sync", per customer).
    unsyncedRedeemed: db
      .prepare(
        `SELECT coalesce(-sum(e.points_delta), 0) FROM ledger_events e JOIN outbox o ON o.seq = e.seq
          WHERE e.phone = ? AND e.type = 'points.redeemed'`,
      )
      .pluck(),
    lastClosedDay: db
      .prepare(
        `SELECT json_extract(body, '$.payload.businessDay') FROM ledger_events
          WHERE type = 'day.closed' ORDER BY seq DESC LIMIT 1`,
      )
      .pluck(),
    // Check-ins of a day counted by UTC minute: the store's hour of each minute is worked out with
    // its time zone afterwards, so DST days (23 or 25 hours) and half-hour zones count right.
    checkInsByMinute: db.prepare(
      `SELECT substr(occurred_at, 1, 16) AS minute, count(*) AS n FROM ledger_events
        WHERE business_day = ? AND type = 'points.earned' GROUP BY minute`,
    ),
    // The whole body only for events that do not keep their explanation: it is recomputed from it.
    checkInsOfDay: db.prepare(
      `SELECT id, occurred_at, phone, points_delta, json_extract(body, '$.payload.receiptId') AS receipt_id,
              json_extract(body, '$.payload.explanation') AS explanation,
              CASE WHEN json_type(body, '$.payload.explanation') IS NULL THEN body END AS body
         FROM ledger_events WHERE business_day = ? AND type = 'points.earned' ORDER BY seq DESC LIMIT ?`,
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

  // The last business day closed on this till: events after a close belong to the next day, even
  // when the clock still says the closed one.
  let lastClosedDay = (statements.lastClosedDay.get() as string | undefined) ?? null;

  function context(now: Date) {
    return {
      deviceId: till.deviceId,
      timeZone: till.store.timeZone,
      now,
      ...(lastClosedDay ? { earliestDay: dayAfter(lastClosedDay) } : {}),
    };
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
      const { program, store } = till;
      const standing = customerState.forCheckIn(program, phone, now, businessDayOf(now, store.timeZone));
      const evaluation = evaluateCheckIn(program, standing, sale, { at: now, timeZone: store.timeZone });
      if (!('earning' in evaluation)) {
        const { reason, message, retryAt } = evaluation.decision;
        return { status: 'not_allowed', reason, message, retryAt: retryAt.toISOString() };
      }
      const { earning, lot, tierAfter } = evaluation;
      const usesTiers = sectionsOf(program).tiers.levels.length > 0;
      // Why, kept on the event only where it cannot be recomputed on read (./explanation.ts): for
      // programs with tiers. The server recomputes the points itself either way.
      const keepsWhy = keepsExplanation(program) && earning.lines.length > 0;
      const { event, balance } = write(
        {
          type: 'points.earned',
          phone,
          payload: {
            receiptId: sale?.receiptId ?? null,
            total: sale?.total ?? null,
            points: earning.points,
            ...(sale?.tax ? { tax: sale.tax } : {}),
            ...(sale?.tip ? { tip: sale.tip } : {}),
            ...(sale?.lines?.length ? { lines: sale.lines } : {}),
            // The tier the points were actually earned at (for the server's recheck), when the program has tiers.
            ...(usesTiers ? { tierId: earning.tier?.id ?? null } : {}),
            ...(lot.expiresOn ? { expiresOn: lot.expiresOn } : {}),
            ...(keepsWhy ? { explanation: explanationOf(earning.lines) } : {}),
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
          JSON.stringify(earning.receipt),
        );
      }
      const tierNow = tierAfter.tier ? { id: tierAfter.tier.id, name: tierAfter.tier.name } : null;
      if (usesTiers && (tierNow?.id ?? null) !== standing.tierId) {
        customerState.saveTier(phone, tierNow?.id ?? null);
      }
      return {
        status: 'checked_in',
        eventId: event.id,
        receiptId: sale?.receiptId ?? null,
        pointsEarned: earning.points,
        lines: earning.lines,
        tier: tierNow,
        tierChanged: evaluation.tierChanged,
        expiresOn: lot.expiresOn,
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
      const now = clock();
      const { program, store } = till;
      const standing = customerState.forCheckIn(program, phone, now, businessDayOf(now, store.timeZone));
      const decision = redemptionDecision(program, reward, {
        ...standing,
        provisionalBalance: before.provisional,
        redeemedInPeriod: reward.limit
          ? customerState.redemptionsSince(
              phone,
              reward.id,
              limitPeriodStart(reward.limit, now, store.timeZone),
            )
          : 0,
        offline: isOffline(),
        redeemedOfflineSinceSync: statements.unsyncedRedeemed.get(phone) as number,
      });
      if (!decision.allowed) {
        throw new KioskError(
          decision.reason === 'insufficient_points' ? 'insufficient_points' : 'reward_not_available',
          decision.reason === 'insufficient_points'
            ? `${reward.name} costs ${reward.pointsCost} points; the balance is ${before.provisional}.`
            : decision.message,
          'rewardId',
        );
      }
      const { event, balance } = write(
        {
          type: 'points.redeemed',
          phone,
          payload: { rewardId: reward.id, rewardName: reward.name, points: reward.pointsCost, receiptId },
        },
        now,
      );
      if (receiptId)
        statements.recordRedemptionOnReceipt.run(event.id, receiptId, reward.id, reward.pointsCost, null);
      return {
        eventId: event.id,
        reward,
        pointsSpent: reward.pointsCost,
        balance: balanceOf(customer, balance ?? undefined),
      };
    });
  }

  /**
   * Refunds part or all of a checked-in receipt: by amount (a share of its total; the rest when no
   * amount is given) or line by line ({ lines: [{ line, quantity }] }). Takes back what the receipt
   * earned in proportion and gives back points spent on rewards for it, in one points.reversed event.
   */
  function refund(receiptIdInput: unknown, requestInput?: unknown): RefundResult {
    const receiptId = parseInput(ReceiptIdSchema, receiptIdInput, 'receiptId');
    const byLines =
      requestInput !== null && typeof requestInput === 'object' && 'lines' in requestInput
        ? parseInput(RefundByLinesSchema, requestInput, 'refund')
        : null;
    const amount =
      byLines || requestInput === undefined || requestInput === null
        ? null
        : parseInput(MoneySchema, requestInput, 'amount');
    if (amount) requireStoreCurrency(amount, 'amount', 'The refund');
    if (amount?.amount === 0)
      throw new KioskError('invalid_amount', 'A refund must be more than zero.', 'amount');
    return atomically((): RefundResult => {
      const receipt = statements.receipt.get(receiptId) as ReceiptRow | undefined;
      if (!receipt) {
        throw new KioskError(
          'unknown_receipt',
          `Receipt "${receiptId}" was not checked in here.`,
          'receiptId',
        );
      }
      const earned = earnedOf(receipt);
      const progress = refundProgressOf(receipt);
      const left = receipt.total_amount - progress.refundedAmount;
      if (amount && amount.amount > left) {
        throw new KioskError(
          'refund_exceeds_sale',
          `${formatMoney({ amount: left, currency: receipt.currency })} of ${formatMoney({ amount: receipt.total_amount, currency: receipt.currency })} can still be refunded.`,
          'amount',
        );
      }
      const request: RefundRequest = byLines
        ? { kind: 'lines', lines: byLines.lines }
        : amount
          ? { kind: 'amount', amount: amount.amount }
          : restOf(earned, progress);
      const redemptions = statements.redemptionsOnReceipt.all(receiptId) as {
        rewardId: string;
        points: number;
        saleLine: number | null;
      }[];
      const outcome = refundReceipt(earned, redemptions, progress, request);
      if (!outcome.ok) {
        const exceeds = ['nothing_to_refund', 'exceeds_sale', 'exceeds_line'].includes(outcome.reason);
        throw new KioskError(exceeds ? 'refund_exceeds_sale' : 'invalid_input', outcome.message, 'refund');
      }
      const refunded = { amount: outcome.amount, currency: receipt.currency };
      const { event, balance } = write(
        {
          type: 'points.reversed',
          phone: receipt.phone,
          payload: {
            receiptId,
            refund: refunded,
            points: outcome.pointsToTakeBack,
            ...(outcome.pointsToRestore > 0 ? { restoredPoints: outcome.pointsToRestore } : {}),
            ...(request.kind === 'lines' ? { lines: [...request.lines] } : {}),
          },
        },
        clock(),
      );
      statements.recordRefund.run(
        outcome.amount,
        outcome.pointsToTakeBack,
        JSON.stringify(outcome.progress),
        receiptId,
      );
      return {
        eventId: event.id,
        receiptId,
        refunded,
        pointsReversed: outcome.pointsToTakeBack,
        pointsRestored: outcome.pointsToRestore,
        refundableLeft: receipt.total_amount - outcome.progress.refundedAmount,
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

  /**
   * The customer's events, newest first, as stored; a points.earned event that does not keep its
   * explanation has the recomputed one in its payload (the screens read it there), when there is one.
   */
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
    const explain = explanations();
    return rows.map((row) => {
      const event = LedgerEventSchema.parse(JSON.parse(row.body));
      if (event.type !== 'points.earned' || event.payload.explanation !== undefined) return event;
      const explanation = explain(event);
      return explanation ? { ...event, payload: { ...event.payload, explanation } } : event;
    });
  }

  function dayTotals(businessDayInput: unknown): DayTotals {
    const businessDay = parseInput(BusinessDaySchema, businessDayInput, 'businessDay');
    const byType = new Map(
      (
        statements.dayByType.all(businessDay) as {
          type: string;
          n: number;
          points: number;
          takenBack: number;
          restored: number;
        }[]
      ).map((row) => [row.type, row]),
    );
    const count = (type: string) => byType.get(type)?.n ?? 0;
    const points = (type: string) => byType.get(type)?.points ?? 0;
    return {
      businessDay,
      checkIns: count('points.earned'),
      enrolments: count('customer.enrolled'),
      pointsEarned: points('points.earned'),
      pointsRedeemed: 0 - points('points.redeemed'),
      pointsReversed: byType.get('points.reversed')?.takenBack ?? 0,
      pointsRestored: byType.get('points.reversed')?.restored ?? 0,
      pointsAdjusted: points('points.adjusted'),
      eventCount: [...byType.values()]
        .filter((row) => row.type !== 'day.closed')
        .reduce((sum, row) => sum + row.n, 0),
      unsyncedEvents: (statements.dayUnsynced.get(businessDay) as { n: number }).n,
    };
  }

  /** Check-ins of a business day by hour of the store's clock (index 0 = 00:00–00:59). */
  function hourlyCheckIns(businessDayInput: unknown): number[] {
    const businessDay = parseInput(BusinessDaySchema, businessDayInput, 'businessDay');
    const hours = new Array<number>(24).fill(0);
    const rows = statements.checkInsByMinute.all(businessDay) as { minute: string; n: number }[];
    for (const row of rows) {
      const hour = hourIn(new Date(`${row.minute}:00Z`), till.store.timeZone);
      hours[hour] = (hours[hour] ?? 0) + row.n;
    }
    return hours;
  }

  /** A business day's check-ins, newest first (at most `limit`). */
  function checkInsOf(businessDayInput: unknown, limit = 500): DayCheckIn[] {
    const businessDay = parseInput(BusinessDaySchema, businessDayInput, 'businessDay');
    const rows = statements.checkInsOfDay.all(businessDay, limit) as {
      id: string;
      occurred_at: string;
      phone: string;
      points_delta: number;
      receipt_id: string | null;
      explanation: string | null;
      body: string | null;
    }[];
    const explain = explanations();
    const recomputed = (body: string) => {
      try {
        const event = LedgerEventSchema.safeParse(JSON.parse(body));
        return event.success && event.data.type === 'points.earned' ? explain(event.data) : null;
      } catch {
        return null;
      }
    };
    return rows.map((row) => {
      const explanation =
        row.explanation !== null
          ? explanationFrom(row.explanation)
          : row.body !== null
            ? recomputed(row.body)
            : null;
      return {
        eventId: row.id,
        occurredAt: row.occurred_at,
        phone: row.phone,
        points: row.points_delta,
        receiptId: row.receipt_id,
        ...(explanation ? { explanation } : {}),
      };
    });
  }

  /** The business day new events go to: today, or the day after the last closed one if later. */
  function openBusinessDay(): string {
    const today = businessDayOf(clock(), till.store.timeZone);
    const earliest = lastClosedDay ? dayAfter(lastClosedDay) : null;
    return earliest !== null && earliest > today ? earliest : today;
  }

  /** Records the day's totals as a day.closed event, which the server checks against its own. */
  function closeDay(businessDayInput: unknown): LedgerEvent {
    const businessDay = parseInput(BusinessDaySchema, businessDayInput, 'businessDay');
    return atomically(() => {
      const { unsyncedEvents: _unsynced, ...totals } = dayTotals(businessDay);
      const event = write({ type: 'day.closed', phone: null, payload: totals }, clock()).event;
      if (lastClosedDay === null || businessDay > lastClosedDay) lastClosedDay = businessDay;
      return event;
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
    hourlyCheckIns,
    checkInsOf,
    openBusinessDay,
    closeDay,
    setProgram,
    setStore,
  };
}

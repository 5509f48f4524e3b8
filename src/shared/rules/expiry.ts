import { addDays, lastDayOfMonthAfter, wallClock } from './calendar';
import type { Expiry } from './schema';

/**
 * Points expire by lots. Each check-in's points are one lot that records, when it is earned, the
 * last day it is valid: the policy of that day, fixed for ever. Changing the program's expiry
 * later changes new lots only, never the ones already earned (Square applies a changed policy to
 * points already earned; we do not). Spending takes the soonest-expiring points first, so a
 * customer never loses points that a redemption could have used.
 *
 * A lot book is the customer's lots plus any debt: an offline redemption the server honoured after
 * the balance had gone, or a refund taking back points already spent. New points repay debt first.
 * The balance is Σ lots − debt. Expiry and spending never take it below zero by themselves; only a
 * debt the caller explicitly allows can.
 */

export interface PointsLot {
  /** The ledger's id for it, usually the id of the event that earned it. */
  id: string;
  /** Points still in the lot. */
  points: number;
  /** Business day it was earned, YYYY-MM-DD in the store's zone. */
  earnedOn: string;
  /** Last business day it is valid, or null if it never expires. */
  expiresOn: string | null;
}

export interface LotBook {
  lots: readonly PointsLot[];
  /** Points owed, ≥ 0. */
  debt: number;
}

export const EMPTY_BOOK: LotBook = { lots: [], debt: 0 };

export function balanceOf(book: LotBook): number {
  return book.lots.reduce((sum, lot) => sum + lot.points, 0) - book.debt;
}

/** The last valid day of points earned on `earnedOn` under this policy: recorded on the lot. */
export function lotExpiresOn(expiry: Expiry, earnedOn: string): string | null {
  switch (expiry.kind) {
    case 'never':
      return null;
    case 'after_days':
      // Valid for N full days after the day earned: 30 days from 1 Jan is valid through 31 Jan.
      return addDays(earnedOn, expiry.days);
    case 'end_of_period': {
      const monthsPerPeriod = expiry.period === 'month' ? 1 : expiry.period === 'quarter' ? 3 : 12;
      const month = Number(earnedOn.slice(5, 7));
      // Months left in the earning period after its own month: 0 for months, up to 2 or 11.
      const restOfPeriod = (monthsPerPeriod - (month % monthsPerPeriod || monthsPerPeriod)) % monthsPerPeriod;
      return lastDayOfMonthAfter(earnedOn, restOfPeriod + expiry.periodsAfter * monthsPerPeriod);
    }
  }
}

/** A new lot for points earned at this instant, with its expiry fixed now. */
export function newLot(expiry: Expiry, id: string, points: number, at: Date, timeZone: string): PointsLot {
  const earnedOn = wallClock(at, timeZone).date;
  return { id, points, earnedOn, expiresOn: lotExpiresOn(expiry, earnedOn) };
}

/** Adds a lot; its points repay any debt first. */
export function addLot(book: LotBook, lot: PointsLot): LotBook {
  const repaid = Math.min(book.debt, lot.points);
  const left = { ...lot, points: lot.points - repaid };
  return { lots: left.points > 0 ? [...book.lots, left] : [...book.lots], debt: book.debt - repaid };
}

/** Soonest expiry first; never-expiring last; then oldest; then as listed (a stable sort). */
function spendingOrder(lots: readonly PointsLot[]): PointsLot[] {
  return [...lots].sort(
    (a, b) =>
      compareExpiry(a.expiresOn, b.expiresOn) ||
      (a.earnedOn < b.earnedOn ? -1 : a.earnedOn > b.earnedOn ? 1 : 0),
  );
}

function compareExpiry(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

export interface Taking {
  book: LotBook;
  /** Points taken from each lot, in the order taken. */
  taken: { id: string; points: number }[];
}

/**
 * Takes points, soonest-expiring first (a lot named in `firstFrom`, such as the receipt's own
 * lot on a refund, goes first). With allowDebt false it takes nothing and returns null when the
 * balance is short; with allowDebt true the shortfall becomes debt.
 */
export function takePoints(
  book: LotBook,
  points: number,
  options: { allowDebt: boolean; firstFrom?: string } = { allowDebt: false },
): Taking | null {
  if (!Number.isSafeInteger(points) || points < 0)
    throw new RangeError('Points to take must be a whole number ≥ 0.');
  if (!options.allowDebt && points > balanceOf(book)) return null;
  const order = spendingOrder(book.lots);
  const preferred = order.findIndex((lot) => lot.id === options.firstFrom);
  if (preferred > 0) order.unshift(...order.splice(preferred, 1));
  let wanted = points;
  const taken: { id: string; points: number }[] = [];
  const remaining = new Map(book.lots.map((lot) => [lot.id, lot.points]));
  for (const lot of order) {
    if (wanted === 0) break;
    const take = Math.min(wanted, lot.points);
    if (take === 0) continue;
    taken.push({ id: lot.id, points: take });
    remaining.set(lot.id, lot.points - take);
    wanted -= take;
  }
  return {
    book: {
      lots: book.lots
        .map((lot) => ({ ...lot, points: remaining.get(lot.id) ?? lot.points }))
        .filter((lot) => lot.points > 0),
      debt: book.debt + wanted,
    },
    taken,
  };
}

/** Lots whose last valid day is before `today` expire, whole. Debt never expires. */
export function expireLots(
  book: LotBook,
  today: string,
): { book: LotBook; expired: { id: string; points: number }[] } {
  const expired = book.lots
    .filter((lot) => lot.expiresOn !== null && lot.expiresOn < today && lot.points > 0)
    .map((lot) => ({ id: lot.id, points: lot.points }));
  const gone = new Set(expired.map((lot) => lot.id));
  return { book: { lots: book.lots.filter((lot) => !gone.has(lot.id)), debt: book.debt }, expired };
}

/** The soonest expiry still ahead, for "40 points expire on 2026-12-31". */
export function nextExpiry(book: LotBook, today: string): { date: string; points: number } | null {
  let soonest: string | null = null;
  for (const lot of book.lots) {
    if (
      lot.expiresOn !== null &&
      lot.expiresOn >= today &&
      lot.points > 0 &&
      (soonest === null || lot.expiresOn < soonest)
    ) {
      soonest = lot.expiresOn;
    }
  }
  if (soonest === null) return null;
  const points = book.lots.reduce((sum, lot) => (lot.expiresOn === soonest ? sum + lot.points : sum), 0);
  return { date: soonest, points };
}

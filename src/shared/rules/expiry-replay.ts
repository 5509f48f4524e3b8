import { type LedgerEvent, MAX_EXPIRED_LOTS } from '../events';
import {
  EMPTY_BOOK,
  type LotBook,
  type PointsLot,
  addLot,
  balanceOf,
  expireLots,
  takePoints,
} from './expiry';

/**
 * A customer's lots, rebuilt by replaying their ledger through the pure engine
 * (src/shared/rules/expiry.ts), in server_seq order (never by the tills' clocks):
 *
 *   points.earned    a lot of its points, with the expiresOn the till recorded (absent: never),
 *                    earned on its business day. Its id is the event id.
 *   points.redeemed  takes the points, soonest-expiring first; a shortfall is debt (an honoured
 *                    offline redemption).
 *   points.reversed  takes back the earned points, the receipt's own lot first; then gives back
 *                    `restoredPoints` as lots with the expiry of the lots the receipt's redemptions
 *                    took them from (latest expiry first), so a refund never turns expiring points
 *                    into lasting ones; points the redemption took from no lot (debt) come back as
 *                    a lot that never expires.
 *   points.adjusted  positive: a lot that never expires; negative: taken like a redemption.
 *   points.expired   takes exactly the points it names from the lots it names.
 *
 * Pure: the server's expiry job (server/src/modules/expiry.ts) reads the events and writes the
 * result; docs/rules.md, "How points expire", explains it with an example.
 */

export interface ReplayEvent {
  storeId: string;
  body: LedgerEvent;
}

export interface ReplayedBook {
  book: LotBook;
  /** The store each lot was earned at (its time zone decides when the lot's last day is over). */
  storeOf: Map<string, string>;
}

interface Portion {
  points: number;
  earnedOn: string;
  expiresOn: string | null;
  storeId: string;
}

export function replayLots(events: readonly ReplayEvent[]): ReplayedBook {
  let book: LotBook = EMPTY_BOOK;
  const storeOf = new Map<string, string>();
  const lotMeta = new Map<string, Omit<Portion, 'points'>>();
  /** store + receipt → the lot its points.earned made. */
  const receiptLot = new Map<string, string>();
  /** store + receipt → what its redemptions took, to give back on a refund. */
  const spentOn = new Map<string, Portion[]>();
  const key = (storeId: string, receiptId: string) => `${storeId}\u0000${receiptId}`;

  const add = (lot: PointsLot, storeId: string) => {
    storeOf.set(lot.id, storeId);
    lotMeta.set(lot.id, { earnedOn: lot.earnedOn, expiresOn: lot.expiresOn, storeId });
    book = addLot(book, lot);
  };
  const take = (points: number, firstFrom?: string) => {
    const taking = takePoints(book, points, {
      allowDebt: true,
      ...(firstFrom !== undefined ? { firstFrom } : {}),
    }) as NonNullable<ReturnType<typeof takePoints>>;
    book = taking.book;
    return taking.taken;
  };

  for (const { storeId, body: event } of events) {
    switch (event.type) {
      case 'points.earned': {
        const { points, receiptId, expiresOn } = event.payload;
        if (receiptId !== null) receiptLot.set(key(storeId, receiptId), event.id);
        add({ id: event.id, points, earnedOn: event.businessDay, expiresOn: expiresOn ?? null }, storeId);
        break;
      }
      case 'points.redeemed': {
        const { points, receiptId } = event.payload;
        const taken = take(points);
        if (receiptId !== null) {
          const portions = spentOn.get(key(storeId, receiptId)) ?? [];
          for (const t of taken) {
            const meta = lotMeta.get(t.id);
            if (meta) portions.push({ points: t.points, ...meta });
          }
          const fromDebt = points - taken.reduce((sum, t) => sum + t.points, 0);
          if (fromDebt > 0) {
            portions.push({ points: fromDebt, earnedOn: event.businessDay, expiresOn: null, storeId });
          }
          spentOn.set(key(storeId, receiptId), portions);
        }
        break;
      }
      case 'points.reversed': {
        const { receiptId, points, restoredPoints } = event.payload;
        if (points > 0) take(points, receiptLot.get(key(storeId, receiptId)));
        let restore = restoredPoints ?? 0;
        const portions = spentOn.get(key(storeId, receiptId)) ?? [];
        // Latest expiry first (never-expiring latest of all): the customer keeps the best points.
        portions.sort((a, b) => laterFirst(a.expiresOn, b.expiresOn));
        let part = 0;
        for (const portion of portions) {
          if (restore === 0) break;
          const back = Math.min(restore, portion.points);
          if (back === 0) continue;
          portion.points -= back;
          restore -= back;
          add(
            {
              id: `${event.id}:${part++}`,
              points: back,
              earnedOn: portion.earnedOn,
              expiresOn: portion.expiresOn,
            },
            portion.storeId,
          );
        }
        if (restore > 0) {
          add(
            { id: `${event.id}:${part}`, points: restore, earnedOn: event.businessDay, expiresOn: null },
            storeId,
          );
        }
        break;
      }
      case 'points.adjusted': {
        const { points } = event.payload;
        if (points > 0) add({ id: event.id, points, earnedOn: event.businessDay, expiresOn: null }, storeId);
        else take(-points);
        break;
      }
      case 'points.expired': {
        let shortfall = 0;
        for (const lot of event.payload.lots) {
          const held = book.lots.find((l) => l.id === lot.lotId)?.points ?? 0;
          const from = Math.min(held, lot.points);
          if (from > 0) take(from, lot.lotId);
          shortfall += lot.points - from;
        }
        // Only if the ledger was replayed differently when the job wrote it: keep the sum right.
        if (shortfall > 0) take(shortfall);
        break;
      }
      case 'customer.enrolled':
      case 'consent.changed':
      case 'day.closed':
        break;
    }
  }
  return { book, storeOf };
}

function laterFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a > b ? -1 : 1;
}

export interface ExpiredLot {
  lotId: string;
  earnedOn: string;
  expiresOn: string;
  points: number;
  storeId: string;
}

/**
 * What expires now: every lot whose last valid day is over in the time zone of the store that
 * earned it (`todayAt(storeId)` is that store's date now). Never more than the balance: a customer
 * in debt (overdrawn) has no lots, so nothing expires. At most MAX_EXPIRED_LOTS lots, soonest
 * expiry first; the rest go at the next run. Also returns the soonest expiry still ahead.
 */
export function expiring(
  replayed: ReplayedBook,
  todayAt: (storeId: string) => string,
): { lots: ExpiredLot[]; points: number; next: string | null } {
  const { book, storeOf } = replayed;
  const lots: ExpiredLot[] = [];
  if (book.debt === 0) {
    const byStore = new Map<string, PointsLot[]>();
    for (const lot of book.lots) {
      const storeId = storeOf.get(lot.id) ?? '';
      byStore.set(storeId, [...(byStore.get(storeId) ?? []), lot]);
    }
    for (const [storeId, storeLots] of byStore) {
      const { expired } = expireLots({ lots: storeLots, debt: 0 }, todayAt(storeId));
      for (const e of expired) {
        const lot = storeLots.find((l) => l.id === e.id) as PointsLot;
        lots.push({
          lotId: lot.id,
          earnedOn: lot.earnedOn,
          expiresOn: lot.expiresOn as string,
          points: e.points,
          storeId,
        });
      }
    }
  }
  lots.sort((a, b) => (a.expiresOn < b.expiresOn ? -1 : a.expiresOn > b.expiresOn ? 1 : 0));
  lots.splice(MAX_EXPIRED_LOTS);
  // Never below zero, whatever the book says.
  let room = Math.max(0, balanceOf(book));
  const capped: ExpiredLot[] = [];
  for (const lot of lots) {
    const points = Math.min(lot.points, room);
    if (points <= 0) break;
    capped.push({ ...lot, points });
    room -= points;
  }
  const gone = new Set(capped.map((l) => l.lotId));
  const left: LotBook = { lots: book.lots.filter((l) => !gone.has(l.id)), debt: book.debt };
  // The soonest last valid day still held (a lot of a store whose day is not over yet included).
  const next = left.lots.reduce<string | null>(
    (min, l) => (l.expiresOn !== null && (min === null || l.expiresOn < min) ? l.expiresOn : min),
    null,
  );
  return { lots: capped, points: capped.reduce((sum, l) => sum + l.points, 0), next };
}

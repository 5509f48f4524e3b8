import { minutesOf, wallClock, type WallClock } from './calendar';
import type { Promotion, Promotions } from './schema';

/**
 * Time-boxed promotions. A promotion runs on the store's wall clock: its dates are inclusive
 * calendar days, its days of the week and its hours are those of the store's time zone.
 */

export function promotionRunsAt(promotion: Promotion, clock: WallClock): boolean {
  if (promotion.startDate && clock.date < promotion.startDate) return false;
  if (promotion.endDate && clock.date > promotion.endDate) return false;
  if (promotion.days && !promotion.days.includes(clock.day)) return false;
  if (promotion.hours) {
    const from = minutesOf(promotion.hours.from);
    const to = minutesOf(promotion.hours.to);
    if (clock.minuteOfDay < from || clock.minuteOfDay >= to) return false;
  }
  return true;
}

/** Promotions that run at this instant and whose own minimum spend the sale meets, in document order. */
export function qualifyingPromotions(
  promotions: Promotions,
  when: { at: Date; timeZone: string } | null,
  spendsAtLeast: (amount: number) => boolean,
): Promotion[] {
  // No time, no promotion: a promotion is only ever given for a known moment.
  if (when === null || promotions.offers.length === 0) return [];
  const clock = wallClock(when.at, when.timeZone);
  return promotions.offers.filter(
    (promotion) => promotionRunsAt(promotion, clock) && spendsAtLeast(promotion.minimumSpend),
  );
}

/**
 * Which of the qualifying promotions apply. `worth` gives each one's exact extra points (any common
 * unit). "best" keeps the single most valuable one (the first listed on a tie, so the result never
 * depends on anything but the document); "stack" keeps every one worth something.
 */
export function choosePromotions(
  combine: Promotions['combine'],
  candidates: readonly Promotion[],
  worth: (promotion: Promotion) => bigint,
): Promotion[] {
  const valuable = candidates.filter((promotion) => worth(promotion) > 0n);
  if (combine === 'stack') return valuable;
  let best: Promotion | null = null;
  for (const promotion of valuable) {
    if (best === null || worth(promotion) > worth(best)) best = promotion;
  }
  return best ? [best] : [];
}

/** "Tuesdays 16:00–18:00, 2026-03-01 to 2026-03-31", for the cashier. */
export function describeSchedule(promotion: Promotion): string {
  const parts: string[] = [];
  if (promotion.days)
    parts.push(promotion.days.map((day) => `${day[0]!.toUpperCase()}${day.slice(1)}s`).join(', '));
  if (promotion.hours) parts.push(`${promotion.hours.from}–${promotion.hours.to}`);
  if (promotion.startDate && promotion.endDate) parts.push(`${promotion.startDate} to ${promotion.endDate}`);
  else if (promotion.startDate) parts.push(`from ${promotion.startDate}`);
  else if (promotion.endDate) parts.push(`until ${promotion.endDate}`);
  return parts.length === 0 ? 'every day' : parts.join(', ');
}

import type { EventPayload, LedgerEvent } from '../../../src/shared/events';
import type { Program } from '../../../src/shared/program';
import { earn, lotExpiresOn, type TierStanding } from '../../../src/shared/rules';
import { saleOfEarned } from '../../../src/shared/rules/basis';
import { wallClock } from '../../../src/shared/rules/calendar';
import { sectionsOf, type Tiers } from '../../../src/shared/rules/schema';

/**
 * Did the till compute what the program says? Pure: the program version the event names, the
 * store's currency and time zone, and the event. The answer is a problem to flag (never a reason to
 * refuse: the customer was already told the points), or null.
 *
 * points.earned is recomputed with the same rules engine the till ran, from what the event carries:
 * the sale (total, tax, tip, lines), the moment (occurredAt in the store's time zone, for
 * promotions by day and hour, and for the expiry date), and the tier the till says the customer
 * held. The server cannot know the customer's tier points at that till at that moment (they depend
 * on what the till had synced), so it takes the stated tier as given: a standing whose points are
 * exactly that tier's threshold yields exactly that tier. What it catches is points that no tier
 * claim explains and a wrong expiry date. A tier this program version does not have counts as none
 * (the till earns so when a held tier is gone from the program).
 */

export interface StoreRules {
  currency: string;
  timeZone: string;
}

export type RuleProblem = Record<string, unknown> & { problem: string };

/** The check compares points only: the English explanation texts would be most of its cost. */
const POINTS_ONLY = { explain: false } as const;

/** The standing that makes tierFor() answer exactly `tierId` (or no tier). */
function standingFor(tiers: Tiers, tierId: string | null): TierStanding {
  const tier = tierId === null ? undefined : tiers.levels.find((level) => level.id === tierId);
  if (tier) return { tierPoints: tier.threshold, tierId: tier.id };
  // No tier (or one this program version does not have, which the till also treats as gone):
  // below the lowest threshold, holding nothing.
  return { tierPoints: (tiers.levels[0]?.threshold ?? 0) - 1, tierId: null };
}

export function checkEarned(
  program: Program,
  event: Pick<Extract<LedgerEvent, { type: 'points.earned' }>, 'payload' | 'occurredAt'>,
  store: StoreRules,
): RuleProblem | null {
  const payload: EventPayload<'points.earned'> = event.payload;
  for (const part of ['total', 'tax', 'tip'] as const) {
    const money = payload[part];
    if (money && money.currency !== store.currency) {
      return { problem: 'currency', field: part, expected: store.currency, got: money.currency };
    }
  }
  const sections = sectionsOf(program);
  const tierId = payload.tierId ?? null;
  const sale = saleOfEarned(payload);
  const at = new Date(event.occurredAt);
  const when = { at, timeZone: store.timeZone };
  let expected: number;
  try {
    expected = earn(program, standingFor(sections.tiers, tierId), sale, when, POINTS_ONLY).points;
    if (expected !== payload.points && tierId !== null && sections.tiers.downgrade === 'rolling') {
      // Under a rolling window the till names the tier it last recorded for the customer even when
      // the window no longer reaches it and the sale earned at no tier: accept that reading too
      // (it can only explain fewer points, never more).
      const untiered = earn(program, standingFor(sections.tiers, null), sale, when, POINTS_ONLY).points;
      if (untiered === payload.points) expected = untiered;
    }
  } catch (error) {
    return { problem: 'unreproducible', message: error instanceof Error ? error.message : String(error) };
  }
  if (expected !== payload.points) {
    return { problem: 'points', expected, got: payload.points, tierId };
  }
  const expiresOn =
    sections.expiry.kind === 'never'
      ? null
      : lotExpiresOn(sections.expiry, wallClock(at, store.timeZone).date);
  if ((payload.expiresOn ?? null) !== expiresOn) {
    return { problem: 'expiry', expected: expiresOn, got: payload.expiresOn ?? null };
  }
  return null;
}

export function checkRedeemed(
  program: Program,
  event: Pick<Extract<LedgerEvent, { type: 'points.redeemed' }>, 'payload'>,
): RuleProblem | null {
  const { rewardId, points } = event.payload;
  const reward = program.rewards.find((r) => r.id === rewardId);
  if (!reward) return { problem: 'unknown_reward', rewardId };
  if (reward.pointsCost !== points) return { problem: 'points', expected: reward.pointsCost, got: points };
  return null;
}

import type { Program, Reward } from '../program';
import { startOfPeriod, wallClock } from './calendar';
import type { SaleForEarn } from './basis';
import type { RewardLimit } from './schema';
import { sectionsOf } from './schema';
import { tierFor, type TierStanding } from './tiers';

/**
 * Rewards: may this customer redeem this reward now, and what does it take off the bill. The
 * ledger answers the questions of state (balance, tier, how often the reward was redeemed in the
 * limit's period, points redeemed on this till since it last synced); this module applies rules.
 */

/**
 * Points a customer may redeem at a till that is offline: min(provisional balance, the program's
 * offline cap − what this till already let them redeem since its last sync), never below zero.
 */
export function offlineRedemptionAllowance(
  program: Pick<Program, 'offlineRedemptionCap'>,
  provisionalBalance: number,
  redeemedOfflineSinceSync: number,
): number {
  return Math.max(0, Math.min(provisionalBalance, program.offlineRedemptionCap - redeemedOfflineSinceSync));
}

/**
 * The first business day of the limit's current period: the ledger counts the customer's
 * redemptions of the reward from that day on. Null for "ever" (count them all).
 */
export function limitPeriodStart(limit: RewardLimit, at: Date, timeZone: string): string | null {
  if (limit.per === 'ever') return null;
  return startOfPeriod(wallClock(at, timeZone).date, limit.per);
}

export interface RedemptionState extends TierStanding {
  /** The balance the till shows (confirmed + this till's unsent events). */
  provisionalBalance: number;
  /** Times this customer redeemed this reward since limitPeriodStart (0 when it has no limit). */
  redeemedInPeriod: number;
  /** True when the till cannot reach the server; then the offline cap applies. */
  offline: boolean;
  /** Points this till let the customer redeem since its last successful sync. */
  redeemedOfflineSinceSync: number;
}

export type RedemptionDecision =
  | { allowed: true }
  | {
      allowed: false;
      reason: 'insufficient_points' | 'limit_reached' | 'tier_only' | 'offline_cap';
      message: string;
    };

const PERIOD_WORDS: Record<RewardLimit['per'], string> = {
  day: 'a day',
  week: 'a week',
  month: 'a month',
  quarter: 'a quarter',
  year: 'a year',
  ever: 'in all',
};

export function redemptionDecision(
  program: Program,
  reward: Reward,
  state: RedemptionState,
): RedemptionDecision {
  if (reward.tiers) {
    const tier = tierFor(sectionsOf(program).tiers, state);
    if (!tier || !reward.tiers.includes(tier.id)) {
      const names = sectionsOf(program)
        .tiers.levels.filter((level) => reward.tiers!.includes(level.id))
        .map((level) => level.name);
      return refuse('tier_only', `${reward.name} is for ${names.join(' and ')} members.`);
    }
  }
  if (reward.limit && state.redeemedInPeriod >= reward.limit.count) {
    return refuse(
      'limit_reached',
      `${reward.name} can be redeemed ${reward.limit.count === 1 ? 'once' : `${reward.limit.count} times`} ${PERIOD_WORDS[reward.limit.per]}, and it has been.`,
    );
  }
  if (state.provisionalBalance < reward.pointsCost) {
    return refuse(
      'insufficient_points',
      `${reward.name} costs ${reward.pointsCost} points; the balance is ${state.provisionalBalance}.`,
    );
  }
  if (state.offline) {
    const allowance = offlineRedemptionAllowance(
      program,
      state.provisionalBalance,
      state.redeemedOfflineSinceSync,
    );
    if (reward.pointsCost > allowance) {
      return refuse(
        'offline_cap',
        `The till is offline and may let this customer redeem up to ${allowance} points until it syncs; ${reward.name} costs ${reward.pointsCost}.`,
      );
    }
  }
  return { allowed: true };
}

function refuse(
  reason: Exclude<RedemptionDecision, { allowed: true }>['reason'],
  message: string,
): RedemptionDecision {
  return { allowed: false, reason, message };
}

/**
 * What the reward takes off this sale, in minor units, never more than the goods cost (tax and tip
 * are not discounted). Percent discounts round down to the minor unit, so the discount never
 * exceeds the stated percent; the cap then limits it. A free item is one unit of the cheapest
 * line with its SKU; null when the sale has no such item.
 */
export function rewardDiscount(
  reward: Reward,
  sale: SaleForEarn,
): { amount: number; saleLine: number | null } | null {
  const goods = Math.max(0, sale.total.amount - (sale.tax?.amount ?? 0) - (sale.tip?.amount ?? 0));
  const discount = reward.discount;
  switch (discount.kind) {
    case 'fixed':
      return { amount: Math.min(discount.amount, goods), saleLine: null };
    case 'percent': {
      const percentOff = Number((BigInt(goods) * BigInt(discount.percent)) / 100n);
      return {
        amount: discount.cap === null ? percentOff : Math.min(percentOff, discount.cap),
        saleLine: null,
      };
    }
    case 'free_item': {
      let cheapest: { amount: number; saleLine: number } | null = null;
      (sale.lines ?? []).forEach((line, index) => {
        if (line.sku !== discount.sku || line.rewardId) return;
        // Integer division without floats: subtract the remainder first.
        const unitPrice = (line.amount - (line.amount % line.quantity)) / line.quantity;
        if (cheapest === null || unitPrice < cheapest.amount)
          cheapest = { amount: unitPrice, saleLine: index };
      });
      return cheapest;
    }
  }
}

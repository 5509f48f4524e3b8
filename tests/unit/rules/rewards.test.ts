import { describe, expect, it } from 'vitest';
import type { Reward } from '../../../src/shared/program';
import {
  limitPeriodStart,
  offlineRedemptionAllowance,
  redemptionDecision,
  rewardDiscount,
} from '../../../src/shared/rules';
import { line, programOf, saleOf } from './fixtures';

const coffee: Reward = {
  id: 'coffee',
  name: 'Free coffee',
  pointsCost: 100,
  discount: { kind: 'free_item', sku: 'LATTE' },
};
const goldGift: Reward = {
  id: 'gold-gift',
  name: 'Gold gift',
  pointsCost: 50,
  discount: { kind: 'fixed', amount: 500 },
  tiers: ['gold'],
  limit: { count: 1, per: 'month' },
};
const program = programOf({
  rewards: [coffee, goldGift],
  offlineRedemptionCap: 300,
  tiers: { levels: [{ id: 'gold', name: 'Gold', threshold: 1000, earnPercent: 150 }] },
});
const state = {
  provisionalBalance: 1000,
  tierPoints: 1000,
  tierId: null,
  redeemedInPeriod: 0,
  offline: false,
  redeemedOfflineSinceSync: 0,
};

describe('redemption decision', () => {
  it('allows an affordable reward and refuses an unaffordable one', () => {
    expect(redemptionDecision(program, coffee, state)).toEqual({ allowed: true });
    expect(redemptionDecision(program, coffee, { ...state, provisionalBalance: 99 })).toMatchObject({
      reason: 'insufficient_points',
    });
  });

  it('keeps tier rewards for the tier and applies per-customer limits', () => {
    expect(redemptionDecision(program, goldGift, { ...state, tierPoints: 999 })).toEqual({
      allowed: false,
      reason: 'tier_only',
      message: 'Gold gift is for Gold members.',
    });
    expect(redemptionDecision(program, goldGift, { ...state, redeemedInPeriod: 1 })).toEqual({
      allowed: false,
      reason: 'limit_reached',
      message: 'Gold gift can be redeemed once a month, and it has been.',
    });
  });

  it('offline, allows min(provisional balance, cap − already redeemed offline)', () => {
    expect(offlineRedemptionAllowance(program, 1000, 0)).toBe(300);
    expect(offlineRedemptionAllowance(program, 120, 0)).toBe(120);
    expect(offlineRedemptionAllowance(program, 1000, 250)).toBe(50);
    expect(offlineRedemptionAllowance(program, -40, 0)).toBe(0);
    const offline = { ...state, offline: true };
    expect(redemptionDecision(program, coffee, offline)).toEqual({ allowed: true });
    expect(redemptionDecision(program, coffee, { ...offline, redeemedOfflineSinceSync: 201 })).toMatchObject({
      reason: 'offline_cap',
    });
  });

  it('counts a limit from the start of its period in the store’s zone (weeks start on Monday)', () => {
    const sundayNightNY = new Date('2026-03-09T03:00:00Z'); // Sun 8 Mar 23:00 EDT
    expect(limitPeriodStart({ count: 1, per: 'week' }, sundayNightNY, 'America/New_York')).toBe('2026-03-02');
    expect(limitPeriodStart({ count: 1, per: 'week' }, sundayNightNY, 'UTC')).toBe('2026-03-09');
    expect(limitPeriodStart({ count: 1, per: 'quarter' }, sundayNightNY, 'UTC')).toBe('2026-01-01');
    expect(limitPeriodStart({ count: 1, per: 'ever' }, sundayNightNY, 'UTC')).toBeNull();
  });
});

describe('reward discount', () => {
  it('fixed: never more than the goods; percent: rounded down, then capped', () => {
    const fixed: Reward = { ...coffee, discount: { kind: 'fixed', amount: 500 } };
    expect(rewardDiscount(fixed, saleOf(1000, { tax: 600 }))).toEqual({ amount: 400, saleLine: null });
    const tenPercent: Reward = { ...coffee, discount: { kind: 'percent', percent: 10, cap: 300 } };
    expect(rewardDiscount(tenPercent, saleOf(1999))).toEqual({ amount: 199, saleLine: null });
    expect(rewardDiscount(tenPercent, saleOf(5000))).toEqual({ amount: 300, saleLine: null });
  });

  it('free item: one unit of the cheapest matching line, or null when the sale has none', () => {
    const sale = saleOf(1400, {
      lines: [line('LATTE', 1000, { quantity: 2 }), line('LATTE', 400), line('CAKE', 0)],
    });
    expect(rewardDiscount(coffee, sale)).toEqual({ amount: 400, saleLine: 1 });
    expect(rewardDiscount(coffee, saleOf(1400, { lines: [line('CAKE', 1400)] }))).toBeNull();
  });
});

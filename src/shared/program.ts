import { z } from 'zod';
import { shortText } from './ids';
import { MinorUnitsSchema, minorUnitsPerMajor, type Money } from './money';

/**
 * The loyalty program a till computes points with. Programs are versioned data: every ledger event
 * records the version it was computed with, so a later change never rewrites earned points.
 * This is the first, simple rule set (points per currency unit and per visit); the rules engine
 * grows it without changing how callers use earnPoints().
 */

export const RewardIdSchema = shortText('Reward id', 64);

export const RewardSchema = z.strictObject({
  id: RewardIdSchema,
  name: shortText('Reward name', 80),
  pointsCost: z.number().int().min(1).max(1_000_000),
  /** What the POS takes off the bill, in the store's currency. */
  discount: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('fixed'), amount: MinorUnitsSchema }),
    z.strictObject({
      kind: z.literal('percent'),
      percent: z.number().int().min(1).max(100),
      cap: MinorUnitsSchema.nullable(),
    }),
    z.strictObject({ kind: z.literal('free_item'), sku: shortText('SKU', 64) }),
  ]),
});
export type Reward = z.infer<typeof RewardSchema>;

export const ProgramSchema = z.strictObject({
  version: z.number().int().min(0),
  name: shortText('Program name', 80),
  termsVersion: shortText('Terms version', 32),
  earn: z.strictObject({
    /** Points for each whole unit of currency spent (1 → one point per dollar). */
    pointsPerCurrencyUnit: z.number().int().min(0).max(1000),
    /** Points for the visit itself. */
    pointsPerVisit: z.number().int().min(0).max(10_000),
    /** A sale below this earns nothing, in minor units. */
    minimumSpend: MinorUnitsSchema,
  }),
  rewards: z
    .array(RewardSchema)
    .max(50)
    .refine((rewards) => new Set(rewards.map((r) => r.id)).size === rewards.length, {
      message: 'Reward ids must be unique.',
    }),
  /** Points a customer may redeem at a till that has not synced since: the "floor limit". */
  offlineRedemptionCap: z.number().int().min(0).max(1_000_000),
});
export type Program = z.infer<typeof ProgramSchema>;

/** The program a fresh till runs until the server or the manager sets another. */
export const DEFAULT_PROGRAM: Program = {
  version: 0,
  name: 'Points for every purchase',
  termsVersion: '1',
  earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 0, minimumSpend: 0 },
  rewards: [
    {
      id: 'reward-100',
      name: 'Reward at 100 points',
      pointsCost: 100,
      discount: { kind: 'fixed', amount: 500 },
    },
  ],
  offlineRedemptionCap: 500,
};

export interface EarnLine {
  reason: string;
  points: number;
}

export interface Earning {
  points: number;
  /** Line by line, so the cashier can say why a sale earned what it did. */
  lines: EarnLine[];
}

/**
 * Points a check-in earns. Rounding is always down to whole points, on the whole sale (never per
 * line), and it happens here only. A check-in with no sale earns the visit points alone, and only
 * when the program has no minimum spend.
 */
export function earnPoints(program: Program, total: Money | null): Earning {
  const { pointsPerCurrencyUnit, pointsPerVisit, minimumSpend } = program.earn;
  if (total === null) {
    if (minimumSpend > 0 || pointsPerVisit === 0) return { points: 0, lines: [] };
    return { points: pointsPerVisit, lines: [{ reason: 'Visit', points: pointsPerVisit }] };
  }
  if (total.amount < minimumSpend) {
    return { points: 0, lines: [{ reason: 'Below the minimum spend', points: 0 }] };
  }
  const lines: EarnLine[] = [];
  if (pointsPerVisit > 0) lines.push({ reason: 'Visit', points: pointsPerVisit });
  if (pointsPerCurrencyUnit > 0) {
    // Multiply before dividing so integer maths stays exact: amount < 1e9 and rate ≤ 1000 keep it
    // well under 2^53.
    const spendPoints = Math.floor(
      (total.amount * pointsPerCurrencyUnit) / minorUnitsPerMajor(total.currency),
    );
    lines.push({ reason: `${pointsPerCurrencyUnit} per whole currency unit spent`, points: spendPoints });
  }
  return { points: lines.reduce((sum, line) => sum + line.points, 0), lines };
}

export interface RefundState {
  /** What the receipt earned at check-in. */
  earned: number;
  /** The sale total, in minor units. */
  saleTotal: number;
  /** Refunded so far, in minor units, before this refund. */
  refundedBefore: number;
  /** Points already taken back by earlier refunds. */
  reversedBefore: number;
}

/**
 * Points a refund takes back. The cumulative target is floor(earned × refunded ÷ total), and each
 * refund takes the difference from what was already taken, so several partial refunds add up to
 * exactly one full refund, and no refund ever takes back more than the receipt earned.
 * The caller has checked that refundedBefore + refund ≤ saleTotal.
 */
export function pointsToReverse(state: RefundState, refund: number): number {
  const refundedAfter = state.refundedBefore + refund;
  if (state.saleTotal === 0) return refundedAfter === 0 ? 0 : state.earned - state.reversedBefore;
  const target =
    refundedAfter >= state.saleTotal
      ? state.earned
      : Math.floor((state.earned * refundedAfter) / state.saleTotal);
  return Math.max(0, target - state.reversedBefore);
}

export interface RewardProgress {
  /** The cheapest reward the customer cannot afford yet, or null when they can afford them all. */
  nextReward: { id: string; name: string; pointsCost: number } | null;
  pointsToNext: number;
  /** 0 … 1, for a progress bar. */
  fraction: number;
}

export function progressToNextReward(balance: number, rewards: readonly Reward[]): RewardProgress {
  const next = [...rewards].sort((a, b) => a.pointsCost - b.pointsCost).find((r) => r.pointsCost > balance);
  if (!next) return { nextReward: null, pointsToNext: 0, fraction: 1 };
  return {
    nextReward: { id: next.id, name: next.name, pointsCost: next.pointsCost },
    pointsToNext: next.pointsCost - Math.max(balance, 0),
    fraction: Math.min(1, Math.max(balance, 0) / next.pointsCost),
  };
}

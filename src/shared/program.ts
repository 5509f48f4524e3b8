import { z } from 'zod';
import { shortText } from './ids';
import { MinorUnitsSchema, type Money } from './money';
import { earn } from './rules/earn';
import { reversalTarget } from './rules/refunds';
import { programSections, RewardLimitSchema } from './rules/schema';

/**
 * The loyalty program a till computes points with. Programs are versioned data: every ledger event
 * records the version it was computed with, so a later change never rewrites earned points.
 * The first fields (earn, rewards, offlineRedemptionCap) are the simple rule set; the rules engine
 * (src/shared/rules) adds optional sections whose defaults change nothing, so every document
 * written before them still parses and earns exactly what it did. docs/rules.md describes them all.
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
  /** How often one customer may redeem it; unlimited when absent. */
  limit: RewardLimitSchema.optional(),
  /** Only customers in these tiers may redeem it; everyone when absent. */
  tiers: z.array(shortText('Tier id', 64)).min(1).optional(),
});
export type Reward = z.infer<typeof RewardSchema>;

export const ProgramSchema = z
  .strictObject({
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
    ...programSections,
  })
  .superRefine((program, ctx) => {
    const tierIds = new Set(program.tiers.levels.map((tier) => tier.id));
    program.rewards.forEach((reward, index) => {
      for (const tierId of reward.tiers ?? []) {
        if (!tierIds.has(tierId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rewards', index, 'tiers'],
            message: `Reward "${reward.id}" is for tier "${tierId}", which is not in tiers.levels.`,
          });
        }
      }
    });
  });
export type Program = z.infer<typeof ProgramSchema>;
/** A program document as written, before defaults fill its optional sections. */
export type ProgramDocument = z.input<typeof ProgramSchema>;

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
  itemRules: [],
  promotions: { combine: 'best', offers: [] },
  tiers: { windowDays: 365, downgrade: 'rolling', levels: [] },
  expiry: { kind: 'never' },
  checkIns: { cooldownMinutes: 0, maxPerDay: null },
};

export interface EarnLine {
  /** The full text, for the cashier. */
  reason: string;
  /** A short label, for the customer screen ("2× Tuesday"). */
  label: string;
  points: number;
}

export interface Earning {
  points: number;
  /** Line by line, so the cashier can say why a sale earned what it did. */
  lines: EarnLine[];
}

/**
 * Points a check-in earns for a sale total: the rules engine's earn() for a customer with no tier
 * and a sale given by its total only. A check-in with no sale earns the visit points alone, and
 * only when the program has no minimum spend. Promotions need the time of the sale: pass `when`
 * to apply them (without it none applies). Rounding: see rules/rounding.ts.
 */
export function earnPoints(
  program: Program,
  total: Money | null,
  when?: { at: Date; timeZone: string },
): Earning {
  const earning = earn(
    program,
    { tierPoints: 0, tierId: null },
    total === null ? null : { total },
    when ?? null,
  );
  return {
    points: earning.points,
    lines: earning.lines.map((line) => ({ reason: line.detail, label: line.label, points: line.points })),
  };
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
 * The caller has checked that refundedBefore + refund ≤ saleTotal. (rules/refunds.ts refunds line
 * by line too, and restores points spent on refunded rewards.)
 */
export function pointsToReverse(state: RefundState, refund: number): number {
  const target = reversalTarget(state.earned, state.refundedBefore + refund, state.saleTotal);
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

import { z } from 'zod';
import { shortText } from '../ids';
import { MinorUnitsSchema } from '../money';
import { DAY_NAMES, minutesOf } from './calendar';

/**
 * The optional sections a program document may have beyond its first, simple fields. Each one has
 * a default that changes nothing, so every document written before the section existed still
 * parses and still earns exactly what it did. Messages speak to the store owner writing the JSON.
 */

const SkuSchema = shortText('SKU', 64);
const CategorySchema = shortText('Category', 64);
const IsoDateSchema = z.iso.date({ message: 'Dates are written YYYY-MM-DD, for example 2026-11-23.' });

const WallTimeSchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, {
  message: 'Times are written HH:MM on a 24-hour clock, from 00:00 to 24:00, for example 16:30.',
});

export const DayNameSchema = z.enum(DAY_NAMES, {
  error: (issue) =>
    `Unknown day ${JSON.stringify(issue.input)}: write the day in full and in lower case (${DAY_NAMES.join(', ')}).`,
});

const percentMultiplier = (what: string, min: number) =>
  z
    .number({ message: `${what} is a whole percentage: 150 means 1.5×, 200 means 2×.` })
    .int({ message: `${what} is a whole percentage: 150 means 1.5×, not 1.5.` })
    .min(min, {
      message:
        min === 1
          ? `${what} cannot be 0: a rule that should earn nothing is an "exclude" rule.`
          : `${what} must be at least ${min} (100 means 1×, the base rate; 0 would take points away).`,
    })
    .max(10_000, { message: `${what} cannot exceed 10000 (100×).` });

function uniqueIds<T extends { id: string }>(what: string) {
  return (items: readonly T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.id)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `${what} id "${item.id}" is used twice.`,
        });
      }
      seen.add(item.id);
    });
  };
}

// ——— Item and category rules ———

const itemMatch = {
  /** Short name used in explanations ("Shoes", "Gift cards"). */
  name: shortText('Rule name', 40),
  skus: z.array(SkuSchema).max(500).default([]),
  categories: z.array(CategorySchema).max(100).default([]),
};

export const ItemRuleSchema = z
  .discriminatedUnion(
    'action',
    [
      /** Matching lines earn no spend points (gift cards, tobacco, deposits). */
      z.strictObject({ action: z.literal('exclude'), ...itemMatch }),
      /** When any include rule exists, only lines matching one of them earn spend points. */
      z.strictObject({ action: z.literal('include'), ...itemMatch }),
      /** Matching lines earn their spend points × percent ÷ 100 (200 = double points on shoes). */
      z.strictObject({
        action: z.literal('multiply'),
        ...itemMatch,
        percent: percentMultiplier('An item multiplier', 1),
      }),
    ],
    { error: 'An item rule\'s "action" must be "include", "exclude" or "multiply".' },
  )
  .refine((rule) => rule.skus.length + rule.categories.length > 0, {
    message: 'An item rule must name at least one SKU or category.',
  });
export type ItemRule = z.infer<typeof ItemRuleSchema>;

// ——— Promotions ———

export const PromotionSchema = z
  .strictObject({
    id: shortText('Promotion id', 64),
    /** Full name, for the cashier ("Double points on Tuesdays"). */
    name: shortText('Promotion name', 80),
    /** Short label for the customer screen ("2× Tuesday"); the name when absent. */
    label: shortText('Promotion label', 24).optional(),
    effect: z.discriminatedUnion(
      'kind',
      [
        /** Base points × percent ÷ 100: 200 doubles them. */
        z.strictObject({
          kind: z.literal('multiply'),
          percent: percentMultiplier('A promotion multiplier', 101),
        }),
        /** A fixed number of extra points per qualifying check-in. */
        z.strictObject({ kind: z.literal('bonus'), points: z.number().int().min(1).max(100_000) }),
      ],
      { error: 'A promotion\'s effect "kind" must be "multiply" or "bonus".' },
    ),
    /** First and last day it runs (inclusive), in the store's time zone; open-ended when absent. */
    startDate: IsoDateSchema.optional(),
    endDate: IsoDateSchema.optional(),
    /** Days of the week it runs on; every day when absent. */
    days: z
      .array(DayNameSchema)
      .min(1, { message: 'List at least one day, or leave "days" out.' })
      .optional(),
    /** Wall-clock hours it runs, from (inclusive) to (exclusive); all day when absent. */
    hours: z
      .strictObject({ from: WallTimeSchema, to: WallTimeSchema })
      .refine((hours) => minutesOf(hours.from) < minutesOf(hours.to), {
        message:
          'Hours must end after they start on the same day; for an evening past midnight, make two promotions.',
      })
      .optional(),
    /** A sale must spend at least this much (after tax, tip and excluded items) to qualify. */
    minimumSpend: MinorUnitsSchema.default(0),
  })
  .superRefine((promotion, ctx) => {
    if (promotion.startDate && promotion.endDate && promotion.endDate < promotion.startDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['endDate'],
        message: `Promotion "${promotion.id}" ends (${promotion.endDate}) before it starts (${promotion.startDate}).`,
      });
    }
    if (promotion.days && new Set(promotion.days).size !== promotion.days.length) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'A day is listed twice.' });
    }
  });
export type Promotion = z.infer<typeof PromotionSchema>;

export const PromotionsSchema = z.strictObject({
  /**
   * How promotions that all apply to one sale combine: "best" gives only the one worth the most
   * points (as Square does); "stack" gives all of them, each computed on the base points.
   */
  combine: z
    .enum(['best', 'stack'], { error: 'Promotions "combine" must be "best" or "stack".' })
    .default('best'),
  offers: z.array(PromotionSchema).max(50).default([]).superRefine(uniqueIds('Promotion')),
});
export type Promotions = z.infer<typeof PromotionsSchema>;

// ——— Tiers ———

export const TierSchema = z.strictObject({
  id: shortText('Tier id', 64),
  name: shortText('Tier name', 40),
  /** Points earned in the trailing window needed to hold this tier. */
  threshold: z.number().int().min(0).max(100_000_000),
  /** Earn multiplier on the base points, in percent: 150 = 1.5×. */
  earnPercent: percentMultiplier('A tier multiplier', 100),
});
export type Tier = z.infer<typeof TierSchema>;

export const TiersSchema = z.strictObject({
  /** The trailing window, in days, whose earned points (net of refunds) decide the tier. */
  windowDays: z.number().int().min(1).max(3660).default(365),
  /**
   * "rolling": the tier always follows the window, up and down.
   * "never": a tier once reached is kept; the window can only raise it.
   */
  downgrade: z
    .enum(['rolling', 'never'], { error: 'Tier "downgrade" must be "rolling" or "never".' })
    .default('rolling'),
  /** From the lowest threshold to the highest. */
  levels: z
    .array(TierSchema)
    .max(10)
    .default([])
    .superRefine(uniqueIds('Tier'))
    .superRefine((levels, ctx) => {
      for (let index = 1; index < levels.length; index++) {
        const lower = levels[index - 1]!;
        const tier = levels[index]!;
        if (tier.threshold <= lower.threshold) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'threshold'],
            message: `Tiers overlap: "${tier.name}" starts at ${tier.threshold} points, which is not above "${lower.name}" (${lower.threshold}). List tiers from the lowest threshold to the highest, each one higher.`,
          });
        }
      }
    }),
});
export type Tiers = z.infer<typeof TiersSchema>;

// ——— Expiry ———

export const ExpirySchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('never') }),
    /** Each lot of points is valid for this many days after the day it was earned. */
    z.strictObject({ kind: z.literal('after_days'), days: z.number().int().min(1).max(3660) }),
    /**
     * Each lot is valid to the end of the period (month, quarter, year) it was earned in, plus
     * `periodsAfter` whole periods: month + 12 is Square's "P12M" (earned 6 Jul 2020, last valid
     * day 31 Jul 2021); year + 0 expires everything on 31 December.
     */
    z.strictObject({
      kind: z.literal('end_of_period'),
      period: z.enum(['month', 'quarter', 'year'], {
        error: 'Expiry "period" must be month, quarter or year.',
      }),
      periodsAfter: z.number().int().min(0).max(120).default(0),
    }),
  ],
  { error: 'Expiry "kind" must be "never", "after_days" or "end_of_period".' },
);
export type Expiry = z.infer<typeof ExpirySchema>;

// ——— Check-in limits ———

export const CheckInLimitsSchema = z.strictObject({
  /** Minutes a phone must wait between two check-ins; 0 for none. */
  cooldownMinutes: z.number().int().min(0).max(10_080).default(0),
  /** Check-ins a phone may make per business day; null for no limit. */
  maxPerDay: z.number().int().min(1).max(1000).nullable().default(null),
});
export type CheckInLimits = z.infer<typeof CheckInLimitsSchema>;

// ——— Reward extras ———

export const RewardLimitSchema = z.strictObject({
  /** How many times one customer may redeem this reward per period. */
  count: z.number().int().min(1).max(1000),
  per: z.enum(['day', 'week', 'month', 'quarter', 'year', 'ever'], {
    error: 'A reward limit "per" must be day, week, month, quarter, year or ever.',
  }),
});
export type RewardLimit = z.infer<typeof RewardLimitSchema>;

// ——— Defaults ———

export const DEFAULT_PROMOTIONS: Promotions = { combine: 'best', offers: [] };
export const DEFAULT_TIERS: Tiers = { windowDays: 365, downgrade: 'rolling', levels: [] };
export const DEFAULT_EXPIRY: Expiry = { kind: 'never' };
export const DEFAULT_CHECK_IN_LIMITS: CheckInLimits = { cooldownMinutes: 0, maxPerDay: null };

/**
 * The program fields of the rules engine, as ProgramSchema adds them. Defaults are made fresh on
 * each parse so no two parsed programs share (and could corrupt) one object.
 */
export const programSections = {
  itemRules: z.array(ItemRuleSchema).max(100).default([]),
  promotions: PromotionsSchema.default(() => ({ combine: 'best' as const, offers: [] })),
  tiers: TiersSchema.default(() => ({ windowDays: 365, downgrade: 'rolling' as const, levels: [] })),
  expiry: ExpirySchema.default(() => ({ kind: 'never' as const })),
  checkIns: CheckInLimitsSchema.default(() => ({ cooldownMinutes: 0, maxPerDay: null })),
};

export interface ProgramSections {
  itemRules: ItemRule[];
  promotions: Promotions;
  tiers: Tiers;
  expiry: Expiry;
  checkIns: CheckInLimits;
}

/**
 * The sections of a program, with defaults for any that are missing. Parsed programs always have
 * them; this guards documents stored before the sections existed and read without re-parsing.
 */
export function sectionsOf(program: Partial<ProgramSections>): ProgramSections {
  return {
    itemRules: program.itemRules ?? [],
    promotions: program.promotions ?? DEFAULT_PROMOTIONS,
    tiers: program.tiers ?? DEFAULT_TIERS,
    expiry: program.expiry ?? DEFAULT_EXPIRY,
    checkIns: program.checkIns ?? DEFAULT_CHECK_IN_LIMITS,
  };
}

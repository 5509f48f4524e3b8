import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAM, ProgramSchema, type ProgramDocument } from '../../../src/shared/program';
import { SaleSchema } from '../../../src/shared/sale';

const base: ProgramDocument = {
  version: 1,
  name: 'Test',
  termsVersion: '1',
  earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 0, minimumSpend: 0 },
  rewards: [],
  offlineRedemptionCap: 0,
};

/** The messages zod gives for a bad document, with their paths. */
function problems(document: unknown): string[] {
  const result = ProgramSchema.safeParse(document);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('ProgramSchema: versioned data, additive sections', () => {
  it('parses a document written before the sections existed, with defaults that change nothing', () => {
    const parsed = ProgramSchema.parse(base);
    expect(parsed).toMatchObject({
      itemRules: [],
      promotions: { combine: 'best', offers: [] },
      tiers: { windowDays: 365, downgrade: 'rolling', levels: [] },
      expiry: { kind: 'never' },
      checkIns: { cooldownMinutes: 0, maxPerDay: null },
    });
    expect(ProgramSchema.parse(DEFAULT_PROGRAM)).toEqual(DEFAULT_PROGRAM);
  });

  it('gives each parse its own default objects', () => {
    expect(ProgramSchema.parse(base).promotions).not.toBe(ProgramSchema.parse(base).promotions);
  });

  it('refuses overlapping tiers, naming both', () => {
    const tiers = {
      levels: [
        { id: 'silver', name: 'Silver', threshold: 500, earnPercent: 125 },
        { id: 'gold', name: 'Gold', threshold: 500, earnPercent: 150 },
      ],
    };
    expect(problems({ ...base, tiers })).toEqual([
      expect.stringMatching(
        /^tiers\.levels\.1\.threshold: Tiers overlap: "Gold" starts at 500 points, which is not above "Silver" \(500\)/,
      ),
    ]);
  });

  it('refuses a multiplier of 0, saying what to do instead', () => {
    const zeroItem = {
      ...base,
      itemRules: [{ action: 'multiply', name: 'Tobacco', skus: ['T'], percent: 0 }],
    };
    expect(problems(zeroItem)).toEqual([
      expect.stringContaining('cannot be 0: a rule that should earn nothing is an "exclude" rule'),
    ]);
    const zeroTier = {
      ...base,
      tiers: { levels: [{ id: 'g', name: 'Gold', threshold: 0, earnPercent: 0 }] },
    };
    expect(problems(zeroTier)).toEqual([expect.stringContaining('must be at least 100 (100 means 1×')]);
    const fraction = {
      ...base,
      tiers: { levels: [{ id: 'g', name: 'Gold', threshold: 0, earnPercent: 1.5 }] },
    };
    expect(problems(fraction)).toEqual([expect.stringContaining('150 means 1.5×, not 1.5')]);
  });

  it('refuses a promotion that ends before it starts, unknown days, and backwards hours', () => {
    const promotion = {
      id: 'p',
      name: 'Promo',
      effect: { kind: 'multiply', percent: 200 },
      startDate: '2026-05-01',
      endDate: '2026-04-30',
    };
    expect(problems({ ...base, promotions: { offers: [promotion] } })).toEqual([
      'promotions.offers.0.endDate: Promotion "p" ends (2026-04-30) before it starts (2026-05-01).',
    ]);
    const tuesdays = { ...promotion, startDate: undefined, days: ['Tues'] };
    expect(problems({ ...base, promotions: { offers: [tuesdays] } })).toEqual([
      expect.stringContaining(
        'promotions.offers.0.days.0: Unknown day "Tues": write the day in full and in lower case',
      ),
    ]);
    const night = { ...promotion, startDate: undefined, hours: { from: '22:00', to: '02:00' } };
    expect(problems({ ...base, promotions: { offers: [night] } })).toEqual([
      expect.stringContaining('make two promotions'),
    ]);
    const oneX = { ...promotion, startDate: undefined, effect: { kind: 'multiply', percent: 100 } };
    expect(problems({ ...base, promotions: { offers: [oneX] } })).toEqual([
      expect.stringContaining('at least 101'),
    ]);
  });

  it('refuses unknown combine rules, actions and keys, duplicate ids and rules that match nothing', () => {
    expect(problems({ ...base, promotions: { combine: 'sum' } })).toEqual([
      'promotions.combine: Promotions "combine" must be "best" or "stack".',
    ]);
    expect(problems({ ...base, itemRules: [{ action: 'double', name: 'x', skus: ['a'] }] })).toEqual([
      'itemRules.0.action: An item rule\'s "action" must be "include", "exclude" or "multiply".',
    ]);
    expect(problems({ ...base, itemRules: [{ action: 'exclude', name: 'Nothing' }] })).toEqual([
      'itemRules.0: An item rule must name at least one SKU or category.',
    ]);
    const offer = { id: 'p', name: 'P', effect: { kind: 'bonus', points: 5 } };
    expect(problems({ ...base, promotions: { offers: [offer, offer] } })).toEqual([
      'promotions.offers.1.id: Promotion id "p" is used twice.',
    ]);
    expect(problems({ ...base, expiry: { kind: 'after_days', days: 30, grace: 2 } })).toHaveLength(1);
  });

  it('refuses a reward for a tier the program does not have', () => {
    const reward = {
      id: 'r',
      name: 'Gold gift',
      pointsCost: 10,
      discount: { kind: 'fixed', amount: 100 },
      tiers: ['gold'],
    };
    expect(problems({ ...base, rewards: [reward] })).toEqual([
      'rewards.0.tiers: Reward "r" is for tier "gold", which is not in tiers.levels.',
    ]);
  });
});

describe('SaleSchema: tax and tip', () => {
  const sale = { receiptId: 'R1', total: { amount: 1000, currency: 'USD' } };
  it('accepts tax and tip within the total, in its currency', () => {
    expect(
      SaleSchema.safeParse({
        ...sale,
        tax: { amount: 80, currency: 'USD' },
        tip: { amount: 120, currency: 'USD' },
      }).success,
    ).toBe(true);
  });
  it('refuses them in another currency or above the total', () => {
    expect(SaleSchema.safeParse({ ...sale, tax: { amount: 80, currency: 'EUR' } }).success).toBe(false);
    expect(SaleSchema.safeParse({ ...sale, tip: { amount: 1001, currency: 'USD' } }).success).toBe(false);
  });
});

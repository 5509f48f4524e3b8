import fc from 'fast-check';
import { ProgramSchema, type Program } from '../../../src/shared/program';
import { DAY_NAMES, type SaleForEarn } from '../../../src/shared/rules';

// Arbitraries for the explanation properties (messages.test.ts, renderer/explain-text.test.ts).

/** Programs with every kind of explanation line; numbers small enough that no text groups digits. */
export const explainProgramArb: fc.Arbitrary<Program> = fc
  .record({
    rate: fc.integer({ min: 0, max: 20 }),
    visit: fc.integer({ min: 0, max: 20 }),
    minimumSpend: fc.integer({ min: 0, max: 3000 }),
    shoes: fc.integer({ min: 1, max: 400 }),
    excludeGift: fc.boolean(),
    includeOnly: fc.boolean(),
    offers: fc.array(
      fc.record({
        effect: fc.oneof(
          fc.record({ kind: fc.constant('multiply' as const), percent: fc.integer({ min: 101, max: 400 }) }),
          fc.record({ kind: fc.constant('bonus' as const), points: fc.integer({ min: 1, max: 50 }) }),
        ),
        days: fc.option(fc.uniqueArray(fc.constantFrom(...DAY_NAMES), { minLength: 1 }), { nil: undefined }),
        label: fc.option(fc.constantFrom('2× now', 'Bonus!'), { nil: undefined }),
        dates: fc.constantFrom('none', 'both', 'start', 'end'),
      }),
      { maxLength: 3 },
    ),
    tierPercent: fc.integer({ min: 100, max: 300 }),
  })
  .map((p) =>
    ProgramSchema.parse({
      version: 1,
      name: 'Generated',
      termsVersion: '1',
      earn: { pointsPerCurrencyUnit: p.rate, pointsPerVisit: p.visit, minimumSpend: p.minimumSpend },
      rewards: [],
      offlineRedemptionCap: 100,
      itemRules: [
        { action: 'multiply', name: 'Shoes', categories: ['shoes'], percent: p.shoes },
        ...(p.excludeGift ? [{ action: 'exclude', name: 'Gift cards', skus: ['GIFT'] }] : []),
        ...(p.includeOnly ? [{ action: 'include', name: 'Goods', categories: ['shoes', 'socks'] }] : []),
      ],
      promotions: {
        combine: 'stack',
        offers: p.offers.map((offer, index) => ({
          id: `p${index}`,
          name: `Promotion ${index}`,
          ...(offer.label ? { label: offer.label } : {}),
          effect: offer.effect,
          ...(offer.days ? { days: offer.days } : {}),
          ...(offer.dates === 'both' || offer.dates === 'start' ? { startDate: '2025-01-01' } : {}),
          ...(offer.dates === 'both' || offer.dates === 'end' ? { endDate: '2027-12-31' } : {}),
          minimumSpend: 0,
        })),
      },
      tiers: {
        windowDays: 90,
        downgrade: 'rolling',
        levels: [{ id: 't0', name: 'Silver', threshold: 100, earnPercent: p.tierPercent }],
      },
    }),
  );

export const explainSaleArb: fc.Arbitrary<SaleForEarn | null> = fc.option(
  fc
    .record({
      currency: fc.constantFrom('USD', 'JPY', 'BHD', 'EUR'),
      lines: fc.option(
        fc.array(
          fc.record({
            sku: fc.constantFrom('SHOE', 'SOCK', 'GIFT', 'MUG'),
            category: fc.constantFrom(null, 'shoes', 'socks'),
            quantity: fc.integer({ min: 1, max: 3 }),
            amount: fc.integer({ min: 0, max: 20_000 }),
            rewardId: fc.constantFrom(null, null, 'reward'),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        { nil: undefined },
      ),
      tax: fc.integer({ min: 0, max: 2000 }),
      tip: fc.integer({ min: 0, max: 2000 }),
      drift: fc.integer({ min: -5000, max: 5000 }),
    })
    .map(({ currency, lines, tax, tip, drift }) => {
      const itemised = (lines ?? []).reduce((sum, l) => sum + l.amount, 0);
      const goods = Math.max(0, (lines ? itemised : 10_000) + drift);
      const money = (amount: number) => ({ amount, currency });
      return {
        total: money(goods + tax + tip),
        ...(tax > 0 ? { tax: money(tax) } : {}),
        ...(tip > 0 ? { tip: money(tip) } : {}),
        ...(lines ? { lines } : {}),
      };
    }),
  { nil: null },
);

export const explainCustomerArb = fc.record({
  tierPoints: fc.integer({ min: 0, max: 900 }),
  tierId: fc.constantFrom(null, 't0'),
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/shared/events';
import { ProgramSchema, type Program, type ProgramDocument } from '../../../src/shared/program';
import {
  addLot,
  balanceOf,
  DAY_NAMES,
  earn,
  EMPTY_BOOK,
  expireLots,
  NO_REFUND_YET,
  refundReceipt,
  takePoints,
  type EarnWhen,
  type LotBook,
  type RefundProgress,
  type SaleForEarn,
  type SaleLineForEarn,
} from '../../../src/shared/rules';

// ——— Arbitraries: valid programs, sales, instants and customers ———

const offerArb = fc.record({
  effect: fc.oneof(
    fc.record({ kind: fc.constant('multiply' as const), percent: fc.integer({ min: 101, max: 500 }) }),
    fc.record({ kind: fc.constant('bonus' as const), points: fc.integer({ min: 1, max: 50 }) }),
  ),
  days: fc.option(fc.uniqueArray(fc.constantFrom(...DAY_NAMES), { minLength: 1 }), { nil: undefined }),
  fromHour: fc.integer({ min: 0, max: 22 }),
  hours: fc.integer({ min: 1, max: 24 }),
  minimumSpend: fc.integer({ min: 0, max: 5000 }),
});

const programArb: fc.Arbitrary<Program> = fc
  .record({
    rate: fc.integer({ min: 0, max: 1000 }),
    visit: fc.integer({ min: 0, max: 100 }),
    minimumSpend: fc.integer({ min: 0, max: 5000 }),
    shoes: fc.integer({ min: 1, max: 1000 }),
    excludeGift: fc.boolean(),
    includeOnly: fc.boolean(),
    offers: fc.array(offerArb, { maxLength: 3 }),
    combine: fc.constantFrom('best' as const, 'stack' as const),
    tierSteps: fc.array(
      fc.record({ gap: fc.integer({ min: 1, max: 1000 }), percent: fc.integer({ min: 100, max: 300 }) }),
      {
        maxLength: 3,
      },
    ),
    downgrade: fc.constantFrom('rolling' as const, 'never' as const),
  })
  .map((p) => {
    let threshold = 0;
    const document: ProgramDocument = {
      version: 1,
      name: 'Generated',
      termsVersion: '1',
      earn: { pointsPerCurrencyUnit: p.rate, pointsPerVisit: p.visit, minimumSpend: p.minimumSpend },
      rewards: [],
      offlineRedemptionCap: 100,
      itemRules: [
        { action: 'multiply', name: 'Shoes', categories: ['shoes'], percent: p.shoes },
        ...(p.excludeGift ? [{ action: 'exclude' as const, name: 'Gift cards', skus: ['GIFT'] }] : []),
        ...(p.includeOnly
          ? [{ action: 'include' as const, name: 'Goods', categories: ['shoes', 'socks'] }]
          : []),
      ],
      promotions: {
        combine: p.combine,
        offers: p.offers.map((offer, index) => ({
          id: `p${index}`,
          name: `Promotion ${index}`,
          effect: offer.effect,
          ...(offer.days ? { days: offer.days } : {}),
          hours: {
            from: `${String(offer.fromHour).padStart(2, '0')}:00`,
            to: `${String(Math.min(24, offer.fromHour + offer.hours)).padStart(2, '0')}:00`,
          },
          minimumSpend: offer.minimumSpend,
        })),
      },
      tiers: {
        downgrade: p.downgrade,
        levels: p.tierSteps.map((step, index) => {
          threshold += step.gap;
          return { id: `t${index}`, name: `Tier ${index}`, threshold, earnPercent: step.percent };
        }),
      },
    };
    return ProgramSchema.parse(document);
  });

const lineArb: fc.Arbitrary<SaleLineForEarn> = fc.record({
  sku: fc.constantFrom('SHOE', 'SOCK', 'GIFT', 'MUG'),
  category: fc.constantFrom(null, 'shoes', 'socks'),
  quantity: fc.integer({ min: 1, max: 5 }),
  amount: fc.integer({ min: 0, max: 200_000 }),
  rewardId: fc.constantFrom(null, null, null, 'reward'),
});

const currencyArb = fc.constantFrom('USD', 'JPY', 'BHD');

const saleArb: fc.Arbitrary<SaleForEarn> = fc
  .record({
    currency: currencyArb,
    lines: fc.option(fc.array(lineArb, { minLength: 1, maxLength: 6 }), { nil: undefined }),
    tax: fc.integer({ min: 0, max: 20_000 }),
    tip: fc.integer({ min: 0, max: 20_000 }),
    // What was paid relative to the lines: less (an order discount), equal, or more (fees).
    drift: fc.integer({ min: -100_000, max: 50_000 }),
  })
  .map(({ currency, lines, tax, tip, drift }) => {
    const itemised = (lines ?? []).reduce((sum, line) => sum + line.amount, 0);
    const goods = Math.max(0, (lines ? itemised : 100_000) + drift);
    const money = (amount: number) => ({ amount, currency });
    return { total: money(goods + tax + tip), tax: money(tax), tip: money(tip), ...(lines ? { lines } : {}) };
  });

const TIME_ZONES = [
  'America/New_York',
  'Europe/London',
  'Asia/Kolkata',
  'Australia/Sydney',
  'Pacific/Chatham',
  'UTC',
];
const whenArb: fc.Arbitrary<EarnWhen> = fc.record({
  at: fc.date({
    min: new Date('2025-01-01T00:00:00Z'),
    max: new Date('2027-12-31T00:00:00Z'),
    noInvalidDate: true,
  }),
  timeZone: fc.constantFrom(...TIME_ZONES),
});

const customerArb = fc.record({
  tierPoints: fc.integer({ min: 0, max: 5000 }),
  tierId: fc.constantFrom(null, 't0', 't1', 't2'),
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const withMoney = (sale: SaleForEarn, extra: number): SaleForEarn => ({
  ...sale,
  total: { ...sale.total, amount: sale.total.amount + extra },
});

// ——— Earning ———

describe('earn: properties', () => {
  it('never decreases when the amount paid grows', () => {
    fc.assert(
      fc.property(
        programArb,
        customerArb,
        saleArb,
        whenArb,
        fc.integer({ min: 0, max: 100_000 }),
        (program, customer, sale, when, extra) => {
          const less = earn(program, customer, sale, when).points;
          const more = earn(program, customer, withMoney(sale, extra), when).points;
          expect(more).toBeGreaterThanOrEqual(less);
        },
      ),
    );
  });

  it('never decreases when a line and the total grow together', () => {
    fc.assert(
      fc.property(
        programArb,
        customerArb,
        saleArb.filter((sale) => sale.lines !== undefined),
        whenArb,
        fc.nat(),
        fc.integer({ min: 0, max: 100_000 }),
        (program, customer, sale, when, pick, extra) => {
          const lines = sale.lines!;
          const index = pick % lines.length;
          const grown = withMoney(
            {
              ...sale,
              lines: lines.map((line, i) => (i === index ? { ...line, amount: line.amount + extra } : line)),
            },
            extra,
          );
          expect(earn(program, customer, grown, when).points).toBeGreaterThanOrEqual(
            earn(program, customer, sale, when).points,
          );
        },
      ),
    );
  });

  it('gives whole, non-negative points whose lines and receipt parts add up to the total', () => {
    fc.assert(
      fc.property(
        programArb,
        customerArb,
        fc.option(saleArb, { nil: null }),
        whenArb,
        (program, customer, sale, when) => {
          const earning = earn(program, customer, sale, when);
          expect(Number.isSafeInteger(earning.points) && earning.points >= 0).toBe(true);
          expect(earning.lines.every((line) => Number.isSafeInteger(line.points) && line.points >= 0)).toBe(
            true,
          );
          expect(earning.lines.reduce((sum, line) => sum + line.points, 0)).toBe(earning.points);
          const { receipt } = earning;
          expect(receipt.receiptPoints + receipt.lines.reduce((sum, line) => sum + line.points, 0)).toBe(
            earning.points,
          );
          expect(receipt.lines).toHaveLength(sale?.lines?.length ?? 0);
        },
      ),
    );
  });

  it('is deterministic and pure: same input, same output, inputs untouched', () => {
    fc.assert(
      fc.property(programArb, customerArb, saleArb, whenArb, (program, customer, sale, when) => {
        const before = structuredClone({ program, customer, sale, when });
        const frozen = deepFreeze(structuredClone({ program, customer, sale, when }));
        const first = earn(frozen.program, frozen.customer, frozen.sale, frozen.when);
        const second = earn(program, customer, sale, when);
        expect(second).toEqual(first);
        expect({ program, customer, sale, when }).toEqual(before);
      }),
    );
  });

  it('gives the same answer from the program’s stored JSON, as the server and every till read it', () => {
    fc.assert(
      fc.property(programArb, customerArb, saleArb, whenArb, (program, customer, sale, when) => {
        const stored = ProgramSchema.parse(JSON.parse(canonicalJson(program)));
        expect(earn(stored, customer, sale, when)).toEqual(earn(program, customer, sale, when));
      }),
    );
  });
});

// ——— Refunds ———

/** Splits `total` into 1 … n positive parts. */
const partsArb = (total: number) =>
  fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }).map((weights) => {
    const sum = weights.reduce((a, b) => a + b, 0);
    const parts = weights.map((w) => Math.floor((total * w) / sum)).filter((p) => p > 0);
    const rest = total - parts.reduce((a, b) => a + b, 0);
    if (rest > 0) parts.push(rest);
    return parts;
  });

const redemptionsArb = (lineCount: number) =>
  fc.array(
    fc.record({
      rewardId: fc.constant('r'),
      points: fc.integer({ min: 1, max: 1000 }),
      saleLine:
        lineCount === 0
          ? fc.constant(null)
          : fc.option(fc.integer({ min: 0, max: lineCount - 1 }), { nil: null }),
    }),
    { maxLength: 3 },
  );

describe('refunds: properties', () => {
  it('by amount: any sequence of partial refunds equals the full refund, never more at any step', () => {
    fc.assert(
      fc.property(
        programArb,
        customerArb,
        saleArb.filter((sale) => sale.total.amount > 0),
        whenArb,
        fc.nat(),
        (program, customer, sale, when, seed) => {
          const { receipt } = earn(program, customer, sale, when);
          const redemptions = fc.sample(redemptionsArb(receipt.lines.length), { numRuns: 1, seed })[0]!;
          const spent = redemptions.reduce((sum, r) => sum + r.points, 0);
          const parts = fc.sample(partsArb(receipt.total), { numRuns: 1, seed })[0]!;
          let progress: RefundProgress = NO_REFUND_YET;
          for (const amount of parts) {
            const outcome = refundReceipt(receipt, redemptions, progress, { kind: 'amount', amount });
            if (!outcome.ok) throw new Error(outcome.message);
            expect(outcome.pointsToTakeBack).toBeGreaterThanOrEqual(0);
            progress = outcome.progress;
            expect(progress.pointsTakenBack).toBeLessThanOrEqual(receipt.points);
            expect(progress.pointsRestored).toBeLessThanOrEqual(spent);
          }
          expect(progress.pointsTakenBack).toBe(receipt.points);
          expect(progress.pointsRestored).toBe(spent);
          expect(refundReceipt(receipt, redemptions, progress, { kind: 'amount', amount: 1 }).ok).toBe(false);
        },
      ),
    );
  });

  it('line by line: any order and split of returned units equals the full refund, never more', () => {
    fc.assert(
      fc.property(
        programArb,
        customerArb,
        saleArb.filter((sale) => sale.lines !== undefined),
        whenArb,
        fc.nat(),
        (program, customer, sale, when, seed) => {
          const { receipt } = earn(program, customer, sale, when);
          const redemptions = fc.sample(redemptionsArb(receipt.lines.length), { numRuns: 1, seed })[0]!;
          const spent = redemptions.reduce((sum, r) => sum + r.points, 0);
          // Every unit of every line, shuffled, returned in random groups.
          const units = receipt.lines.flatMap((line, index) =>
            Array.from({ length: line.quantity }, () => index),
          );
          const shuffled = fc.sample(fc.shuffledSubarray(units, { minLength: units.length }), {
            numRuns: 1,
            seed,
          })[0]!;
          const cuts = fc.sample(
            fc.array(fc.boolean(), { minLength: shuffled.length, maxLength: shuffled.length }),
            {
              numRuns: 1,
              seed,
            },
          )[0]!;
          let progress: RefundProgress = NO_REFUND_YET;
          let group: number[] = [];
          shuffled.forEach((index, position) => {
            group.push(index);
            if (!cuts[position] && position < shuffled.length - 1) return;
            const outcome = refundReceipt(receipt, redemptions, progress, {
              kind: 'lines',
              lines: group.map((line) => ({ line, quantity: 1 })),
            });
            if (!outcome.ok) throw new Error(outcome.message);
            progress = outcome.progress;
            expect(progress.pointsTakenBack).toBeLessThanOrEqual(receipt.points);
            expect(progress.pointsRestored).toBeLessThanOrEqual(spent);
            group = [];
          });
          expect(progress.pointsTakenBack).toBe(receipt.points);
          expect(progress.pointsRestored).toBe(spent);
        },
      ),
    );
  });
});

// ——— Expiry and spending ———

type BookOp =
  | { op: 'earn'; points: number; day: number; keep: number | null }
  | { op: 'spend'; points: number }
  | { op: 'expire'; day: number };

const bookOpArb: fc.Arbitrary<BookOp> = fc.oneof(
  fc.record({
    op: fc.constant('earn' as const),
    points: fc.integer({ min: 0, max: 500 }),
    day: fc.integer({ min: 0, max: 60 }),
    keep: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
  }),
  fc.record({ op: fc.constant('spend' as const), points: fc.integer({ min: 0, max: 800 }) }),
  fc.record({ op: fc.constant('expire' as const), day: fc.integer({ min: 0, max: 200 }) }),
);

const dayOf = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);

describe('expiry and spending: properties', () => {
  it('never take a balance below zero by themselves, and move exactly what they report', () => {
    fc.assert(
      fc.property(fc.array(bookOpArb, { maxLength: 40 }), (ops) => {
        let book: LotBook = EMPTY_BOOK;
        ops.forEach((op, index) => {
          const before = balanceOf(book);
          if (op.op === 'earn') {
            book = addLot(book, {
              id: `lot${index}`,
              points: op.points,
              earnedOn: dayOf(op.day),
              expiresOn: op.keep === null ? null : dayOf(op.day + op.keep),
            });
            expect(balanceOf(book)).toBe(before + op.points);
          } else if (op.op === 'spend') {
            const taking = takePoints(book, op.points);
            if (op.points > before) expect(taking).toBeNull();
            else {
              expect(taking!.taken.reduce((sum, t) => sum + t.points, 0)).toBe(op.points);
              book = taking!.book;
              expect(balanceOf(book)).toBe(before - op.points);
            }
          } else {
            const { book: after, expired } = expireLots(book, dayOf(op.day));
            expect(balanceOf(after)).toBe(before - expired.reduce((sum, e) => sum + e.points, 0));
            book = after;
          }
          expect(balanceOf(book)).toBeGreaterThanOrEqual(0);
          expect(book.debt).toBe(0);
          expect(book.lots.every((lot) => lot.points > 0)).toBe(true);
        });
      }),
    );
  });

  it('spend the soonest-expiring points first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (keeps, seed) => {
          const book: LotBook = {
            lots: keeps.map((keep, index) => ({
              id: `l${index}`,
              points: 10,
              earnedOn: dayOf(0),
              expiresOn: keep === null ? null : dayOf(keep),
            })),
            debt: 0,
          };
          const spend = seed % (keeps.length * 10 + 1);
          const taking = takePoints(book, spend)!;
          // Every point still held expires no sooner than every point taken.
          const expiryOf = (id: string) => book.lots.find((lot) => lot.id === id)!.expiresOn ?? '9999-12-31';
          const latestTaken = taking.taken
            .map((t) => expiryOf(t.id))
            .sort()
            .at(-1);
          const untouched = taking.book.lots
            .filter((lot) => lot.points === 10)
            .map((lot) => expiryOf(lot.id));
          if (latestTaken) for (const kept of untouched) expect(kept >= latestTaken).toBe(true);
        },
      ),
    );
  });
});

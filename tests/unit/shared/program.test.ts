import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROGRAM,
  earnPoints,
  pointsToReverse,
  ProgramSchema,
  progressToNextReward,
  type Program,
} from '../../../src/shared/program';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const program = (earn: Partial<Program['earn']>): Program => ({
  ...DEFAULT_PROGRAM,
  earn: { ...DEFAULT_PROGRAM.earn, ...earn },
});

describe('earnPoints', () => {
  it('gives the default program one point per whole currency unit, rounded down', () => {
    expect(earnPoints(DEFAULT_PROGRAM, usd(1299)).points).toBe(12);
    expect(earnPoints(DEFAULT_PROGRAM, usd(99)).points).toBe(0);
    expect(earnPoints(DEFAULT_PROGRAM, usd(100)).points).toBe(1);
  });

  it('multiplies, never divides, by the rate (the POS-Awesome bug)', () => {
    expect(earnPoints(program({ pointsPerCurrencyUnit: 10 }), usd(385)).points).toBe(38);
  });

  it('uses the currency’s own minor units', () => {
    expect(earnPoints(DEFAULT_PROGRAM, { amount: 1250, currency: 'JPY' }).points).toBe(1250);
    expect(earnPoints(DEFAULT_PROGRAM, { amount: 12_345, currency: 'BHD' }).points).toBe(12);
  });

  it('adds visit points, and honours the minimum spend for both', () => {
    const cafe = program({ pointsPerCurrencyUnit: 0, pointsPerVisit: 1, minimumSpend: 500 });
    expect(earnPoints(cafe, usd(499)).points).toBe(0);
    expect(earnPoints(cafe, usd(500)).points).toBe(1);
    expect(earnPoints(cafe, null).points).toBe(0);
    const both = program({ pointsPerCurrencyUnit: 2, pointsPerVisit: 5 });
    const earning = earnPoints(both, usd(1050));
    expect(earning.points).toBe(26);
    expect(earning.lines.map((line) => line.points)).toEqual([5, 21]);
  });

  it('gives a visit with no sale its visit points only when there is no minimum spend', () => {
    expect(earnPoints(program({ pointsPerVisit: 3 }), null).points).toBe(3);
    expect(earnPoints(DEFAULT_PROGRAM, null).points).toBe(0);
  });

  it('never earns a fraction or a negative number, and lines add up to the total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (amount, rate, visit) => {
          const earning = earnPoints(
            program({ pointsPerCurrencyUnit: rate, pointsPerVisit: visit }),
            usd(amount),
          );
          expect(Number.isSafeInteger(earning.points)).toBe(true);
          expect(earning.points).toBeGreaterThanOrEqual(0);
          expect(earning.lines.reduce((sum, line) => sum + line.points, 0)).toBe(earning.points);
          expect(earning.points).toBe(visit + Math.floor((amount * rate) / 100));
        },
      ),
    );
  });
});

describe('earnPoints over the rules engine', () => {
  const tuesday = { at: new Date('2026-03-03T15:00:00Z'), timeZone: 'America/New_York' };
  const doubleTuesdays = ProgramSchema.parse({
    ...DEFAULT_PROGRAM,
    promotions: {
      offers: [
        {
          id: 'tue',
          name: 'Double points on Tuesdays',
          label: '2× Tuesday',
          effect: { kind: 'multiply', percent: 200 },
          days: ['tuesday'],
        },
      ],
    },
  });

  it('applies promotions only when told the time of the sale', () => {
    expect(earnPoints(doubleTuesdays, usd(4500)).points).toBe(45);
    const earning = earnPoints(doubleTuesdays, usd(4500), tuesday);
    expect(earning.points).toBe(90);
    expect(earning.lines.at(-1)).toMatchObject({ label: '2× Tuesday', points: 45 });
    expect(earning.lines.at(-1)?.reason).toContain('Double points on Tuesdays');
  });

  it('gives every line a short label for the customer and a full reason for the cashier', () => {
    expect(earnPoints(program({ pointsPerVisit: 2 }), usd(1250)).lines).toEqual([
      { label: 'Visit', reason: '2 points for the visit', points: 2 },
      { label: '$12.50 spent', reason: '1 point per $1 on $12.50', points: 12 },
    ]);
  });

  it('still works on a program document stored before the rules sections existed', () => {
    // The server reads stored versions without re-parsing them.
    const stored = JSON.parse(
      JSON.stringify({
        version: 0,
        name: 'Old',
        termsVersion: '1',
        earn: { pointsPerCurrencyUnit: 2, pointsPerVisit: 1, minimumSpend: 0 },
        rewards: [],
        offlineRedemptionCap: 0,
      }),
    ) as Program;
    expect(earnPoints(stored, usd(1000), tuesday).points).toBe(21);
  });
});

describe('pointsToReverse', () => {
  it('reverses in proportion to the amount refunded (Open Loyalty: 70 points, half refunded → 35)', () => {
    expect(pointsToReverse({ earned: 70, saleTotal: 2000, refundedBefore: 0, reversedBefore: 0 }, 1000)).toBe(
      35,
    );
  });

  it('reverses everything on a full refund', () => {
    expect(
      pointsToReverse({ earned: 125, saleTotal: 12_550, refundedBefore: 0, reversedBefore: 0 }, 12_550),
    ).toBe(125);
  });

  it('makes any series of partial refunds add up to exactly the full one, never more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 20 }),
        (earned, saleTotal, weights) => {
          // Split the sale total into parts proportional to the weights; the last takes the rest.
          const totalWeight = weights.reduce((a, b) => a + b, 0);
          const parts = weights.map((w) => Math.floor((saleTotal * w) / totalWeight));
          parts[parts.length - 1]! += saleTotal - parts.reduce((a, b) => a + b, 0);
          let refunded = 0;
          let reversed = 0;
          for (const part of parts) {
            const points = pointsToReverse(
              { earned, saleTotal, refundedBefore: refunded, reversedBefore: reversed },
              part,
            );
            expect(points).toBeGreaterThanOrEqual(0);
            refunded += part;
            reversed += points;
            expect(reversed).toBeLessThanOrEqual(earned);
            expect(reversed).toBe(Math.floor((earned * refunded) / saleTotal));
          }
          expect(refunded).toBe(saleTotal);
          expect(reversed).toBe(earned);
        },
      ),
    );
  });

  it('reverses a zero-value sale’s points in full on its refund', () => {
    expect(pointsToReverse({ earned: 5, saleTotal: 0, refundedBefore: 0, reversedBefore: 0 }, 0)).toBe(0);
  });
});

describe('progressToNextReward', () => {
  const rewards = [
    { id: 'coffee', name: 'Free coffee', pointsCost: 100, discount: { kind: 'fixed' as const, amount: 400 } },
    { id: 'cake', name: 'Free cake', pointsCost: 250, discount: { kind: 'fixed' as const, amount: 600 } },
  ];

  it('points at the cheapest reward not yet affordable', () => {
    expect(progressToNextReward(40, rewards)).toEqual({
      nextReward: { id: 'coffee', name: 'Free coffee', pointsCost: 100 },
      pointsToNext: 60,
      fraction: 0.4,
    });
    expect(progressToNextReward(120, rewards).nextReward?.id).toBe('cake');
    expect(progressToNextReward(300, rewards)).toEqual({ nextReward: null, pointsToNext: 0, fraction: 1 });
  });

  it('treats a negative balance as zero progress', () => {
    expect(progressToNextReward(-30, rewards)).toMatchObject({ pointsToNext: 100, fraction: 0 });
  });
});

describe('ProgramSchema', () => {
  it('accepts the default program', () => {
    expect(ProgramSchema.parse(DEFAULT_PROGRAM)).toEqual(DEFAULT_PROGRAM);
  });

  it('accepts reward limits and tier-only rewards, refusing unknown limit periods', () => {
    const reward = { ...DEFAULT_PROGRAM.rewards[0]!, limit: { count: 1, per: 'week' } };
    expect(ProgramSchema.safeParse({ ...DEFAULT_PROGRAM, rewards: [reward] }).success).toBe(true);
    const fortnightly = { ...reward, limit: { count: 1, per: 'fortnight' } };
    expect(ProgramSchema.safeParse({ ...DEFAULT_PROGRAM, rewards: [fortnightly] }).success).toBe(false);
  });

  it('refuses duplicate reward ids and fractional rates', () => {
    const duplicate = {
      ...DEFAULT_PROGRAM,
      rewards: [DEFAULT_PROGRAM.rewards[0], DEFAULT_PROGRAM.rewards[0]],
    };
    expect(ProgramSchema.safeParse(duplicate).success).toBe(false);
    expect(ProgramSchema.safeParse(program({ pointsPerCurrencyUnit: 1.5 })).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { earn, evaluateCheckIn, tierFor, tierProgress } from '../../../src/shared/rules';
import { programOf, saleOf, TUESDAY_10AM } from './fixtures';

const chain = programOf({
  tiers: {
    windowDays: 365,
    levels: [
      { id: 'silver', name: 'Silver', threshold: 500, earnPercent: 125 },
      { id: 'gold', name: 'Gold', threshold: 2000, earnPercent: 150 },
    ],
  },
});
const never = programOf({ tiers: { ...chain.tiers, downgrade: 'never' } });

describe('tiers', () => {
  it('reaches a tier exactly at its threshold, not a point before', () => {
    expect(tierFor(chain.tiers, { tierPoints: 499, tierId: null })).toBeNull();
    expect(tierFor(chain.tiers, { tierPoints: 500, tierId: null })?.id).toBe('silver');
    expect(tierFor(chain.tiers, { tierPoints: 1999, tierId: null })?.id).toBe('silver');
    expect(tierFor(chain.tiers, { tierPoints: 2000, tierId: null })?.id).toBe('gold');
  });

  it('multiplies the base points of each tier', () => {
    const points = (tierPoints: number) =>
      earn(chain, { tierPoints, tierId: null }, saleOf(10_000), null).points;
    expect([points(0), points(500), points(2000)]).toEqual([100, 125, 150]);
  });

  it('follows the window down under "rolling", keeps the tier under "never"', () => {
    const fallen = { tierPoints: 100, tierId: 'gold' };
    expect(tierFor(chain.tiers, fallen)).toBeNull();
    expect(tierFor(never.tiers, fallen)?.id).toBe('gold');
    // "never" still lets the window lift a customer higher.
    expect(tierFor(never.tiers, { tierPoints: 2500, tierId: 'silver' })?.id).toBe('gold');
    // A tier the program no longer has is gone.
    expect(tierFor(never.tiers, { tierPoints: 600, tierId: 'platinum' })?.id).toBe('silver');
  });

  it('earns at the tier held before the sale; the sale’s points count towards the next', () => {
    const result = evaluateCheckIn(
      chain,
      { tierPoints: 1990, tierId: 'silver', lastCheckInAt: null, checkInsToday: 0 },
      saleOf(1000),
      TUESDAY_10AM,
    );
    if (!result.decision.allowed || !('earning' in result)) throw new Error('expected a check-in');
    expect(result.earning.tier?.id).toBe('silver');
    expect(result.earning.points).toBe(12);
    expect(result.tierAfter.tier?.id).toBe('gold');
    expect(result.tierChanged).toBe(true);
  });

  it('says how far the next tier is', () => {
    expect(tierProgress(chain.tiers, { tierPoints: 120, tierId: null })).toMatchObject({
      tier: null,
      next: { tier: { id: 'silver' }, pointsToGo: 380 },
    });
    expect(tierProgress(chain.tiers, { tierPoints: 5000, tierId: null }).next).toBeNull();
  });
});

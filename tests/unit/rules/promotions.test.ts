import { describe, expect, it } from 'vitest';
import { earn } from '../../../src/shared/rules';
import type { ProgramDocument } from '../../../src/shared/program';
import { NO_TIER, programOf, saleOf, TUESDAY_10AM, WEDNESDAY_10AM } from './fixtures';

type Offer = NonNullable<NonNullable<ProgramDocument['promotions']>['offers']>[number];
const doubleTuesday: Offer = {
  id: 'tue',
  name: 'Double points on Tuesdays',
  label: '2× Tuesday',
  effect: { kind: 'multiply', percent: 200 },
  days: ['tuesday'],
};
const at = (iso: string, timeZone = 'America/New_York') => ({ at: new Date(iso), timeZone });
const pointsWith = (
  offers: Offer[],
  when: { at: Date; timeZone: string } | null,
  combine?: 'best' | 'stack',
) =>
  earn(programOf({ promotions: { offers, ...(combine ? { combine } : {}) } }), NO_TIER, saleOf(4500), when);

describe('promotions', () => {
  it('doubles the points on the days it runs, with a short label for the customer', () => {
    const earning = pointsWith([doubleTuesday], TUESDAY_10AM);
    expect(earning.points).toBe(90);
    expect(earning.lines.at(-1)).toMatchObject({ kind: 'promotion', label: '2× Tuesday', points: 45 });
    expect(earning.promotionIds).toEqual(['tue']);
    expect(pointsWith([doubleTuesday], WEDNESDAY_10AM).points).toBe(45);
  });

  it('reads days and hours on the store’s wall clock, not UTC', () => {
    // 02:00 UTC on Wednesday is still Tuesday 21:00 in New York (and already Wednesday in Paris).
    expect(pointsWith([doubleTuesday], at('2026-03-04T02:00:00Z')).points).toBe(90);
    expect(pointsWith([doubleTuesday], at('2026-03-04T02:00:00Z', 'Europe/Paris')).points).toBe(45);
  });

  it('runs from its start hour up to, not including, its end hour', () => {
    const happyHour: Offer = { ...doubleTuesday, hours: { from: '16:00', to: '18:00' } };
    expect(pointsWith([happyHour], at('2026-03-03T20:59:00Z')).points).toBe(45); // 15:59
    expect(pointsWith([happyHour], at('2026-03-03T21:00:00Z')).points).toBe(90); // 16:00
    expect(pointsWith([happyHour], at('2026-03-03T22:59:00Z')).points).toBe(90); // 17:59
    expect(pointsWith([happyHour], at('2026-03-03T23:00:00Z')).points).toBe(45); // 18:00
  });

  it('runs on the inclusive dates of its range in the store’s zone, across a DST change', () => {
    // US clocks go forward on 8 March 2026.
    const week: Offer = { ...doubleTuesday, days: undefined, startDate: '2026-03-08', endDate: '2026-03-14' };
    expect(pointsWith([week], at('2026-03-08T04:59:00Z')).points).toBe(45); // 7 Mar 23:59 EST
    expect(pointsWith([week], at('2026-03-08T05:00:00Z')).points).toBe(90); // 8 Mar 00:00 EST
    expect(pointsWith([week], at('2026-03-15T03:59:00Z')).points).toBe(90); // 14 Mar 23:59 EDT
    expect(pointsWith([week], at('2026-03-15T04:00:00Z')).points).toBe(45); // 15 Mar 00:00 EDT
  });

  it('gives only the best promotion by default, and all of them when they stack', () => {
    const triple: Offer = {
      id: 'x3',
      name: 'Triple week',
      label: '3× week',
      effect: { kind: 'multiply', percent: 300 },
    };
    const bonus: Offer = { id: 'b', name: 'Opening bonus', effect: { kind: 'bonus', points: 10 } };
    const best = pointsWith([doubleTuesday, bonus, triple], TUESDAY_10AM);
    expect(best.points).toBe(135);
    expect(best.promotionIds).toEqual(['x3']);
    // Stacked bonuses are each computed on the base: 45 + 45 + 10 + 90, never 45 × 2 × 3.
    const stacked = pointsWith([doubleTuesday, bonus, triple], TUESDAY_10AM, 'stack');
    expect(stacked.points).toBe(190);
    expect(stacked.promotionIds).toEqual(['tue', 'b', 'x3']);
  });

  it('breaks a tie by document order, so the choice depends on the program only', () => {
    const other: Offer = { ...doubleTuesday, id: 'other', label: 'Also 2×' };
    expect(pointsWith([doubleTuesday, other], TUESDAY_10AM).promotionIds).toEqual(['tue']);
    expect(pointsWith([other, doubleTuesday], TUESDAY_10AM).promotionIds).toEqual(['other']);
  });

  it('honours a promotion’s own minimum spend, and applies none without a time', () => {
    const bigSpender: Offer = { ...doubleTuesday, minimumSpend: 5000 };
    expect(pointsWith([bigSpender], TUESDAY_10AM).points).toBe(45);
    expect(pointsWith([doubleTuesday], null).points).toBe(45);
  });
});

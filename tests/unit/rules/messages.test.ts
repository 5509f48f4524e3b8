import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExplanationMessageSchema, explanationOf, LedgerEventSchema } from '../../../src/shared/events';
import { EARN_MESSAGE_IDS, earn, type EarnedLine, type EarnMessage } from '../../../src/shared/rules';
import { moneyText, multiplierText, pointsText } from '../../../src/shared/rules/explain';
import { explainCustomerArb, explainProgramArb, explainSaleArb } from './explain-arbitraries';
import { line, NO_TIER, programOf, saleOf, TUESDAY_10AM, usd } from './fixtures';

// Every explanation line carries its message: the same facts as its English label and detail, as
// data the screens translate (src/renderer/src/app/explain-text.ts).

const messageOf = <Id extends EarnMessage['id']>(lines: EarnedLine[], id: Id) =>
  lines.find((l) => l.message.id === id)?.message as Extract<EarnMessage, { id: Id }> | undefined;

describe('earn: explanation messages', () => {
  it('spend, rule spend, tax and tip, exclusions', () => {
    const program = programOf({
      earn: { pointsPerCurrencyUnit: 2, pointsPerVisit: 0, minimumSpend: 0 },
      itemRules: [
        { action: 'multiply', name: 'Coffee', categories: ['coffee'], percent: 150 },
        { action: 'exclude', name: 'Gift cards', skus: ['GIFT'] },
      ],
    });
    const sale = saleOf(3650, {
      tax: 100,
      tip: 200,
      lines: [
        line('LATTE', 400, { category: 'coffee' }),
        line('MUG', 1150),
        line('GIFT', 1500),
        line('FREE', 300, { rewardId: 'free-coffee' }),
      ],
    });
    const { lines } = earn(program, NO_TIER, sale, null);
    expect(lines.map((l) => l.message)).toEqual([
      { id: 'spend', values: { amount: usd(1150), rate: 2 } },
      { id: 'spendRule', values: { rule: 'Coffee', multiplierPercent: 150, rate: 2, amount: usd(400) } },
      { id: 'excludedTaxTip', values: { tax: usd(100), tip: usd(200) } },
      { id: 'excludedRule', values: { rule: 'Gift cards', amount: usd(1500) } },
      { id: 'excludedReward', values: { amount: usd(300) } },
    ]);
    // The labels are unchanged: the message is added, nothing else.
    expect(lines.map((l) => l.label)).toEqual([
      '$11.50 spent',
      '1.5× Coffee',
      'Tax and tip',
      'Gift cards',
      'Paid with a reward',
    ]);
  });

  it('only tax, and lines outside an "include" rule', () => {
    const program = programOf({
      itemRules: [{ action: 'include', name: 'Goods', categories: ['goods'] }],
    });
    const { lines } = earn(program, NO_TIER, saleOf(1100, { tax: 100, lines: [line('X', 1000)] }), null);
    expect(messageOf(lines, 'excludedTaxTip')?.values).toEqual({ tax: usd(100), tip: null });
    expect(messageOf(lines, 'excludedNotIncluded')?.values).toEqual({ amount: usd(1000) });
  });

  it('visit, promotion (multiply and bonus) and tier', () => {
    const program = programOf({
      earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 5, minimumSpend: 500 },
      promotions: {
        combine: 'stack',
        offers: [
          {
            id: 'tue',
            name: 'Double Tuesday',
            label: '2× Tuesday',
            effect: { kind: 'multiply', percent: 200 },
            days: ['tuesday'],
            hours: { from: '08:00', to: '12:00' },
            startDate: '2026-03-01',
            endDate: '2026-03-31',
            minimumSpend: 0,
          },
          { id: 'bonus', name: 'Welcome', effect: { kind: 'bonus', points: 10 }, minimumSpend: 0 },
        ],
      },
      tiers: {
        windowDays: 365,
        downgrade: 'rolling',
        levels: [{ id: 'gold', name: 'Gold', threshold: 100, earnPercent: 150 }],
      },
    });
    const { lines } = earn(program, { tierPoints: 120, tierId: 'gold' }, saleOf(1000), TUESDAY_10AM);
    expect(messageOf(lines, 'visit')).toEqual({ id: 'visit', values: { points: 5, minimumSpend: usd(500) } });
    expect(lines.filter((l) => l.message.id === 'promotion').map((l) => l.message.values)).toEqual([
      {
        name: 'Double Tuesday',
        label: '2× Tuesday',
        multiplierPercent: 200,
        bonusPoints: null,
        days: ['tuesday'],
        hours: { from: '08:00', to: '12:00' },
        startDate: '2026-03-01',
        endDate: '2026-03-31',
      },
      {
        name: 'Welcome',
        label: 'Welcome',
        multiplierPercent: null,
        bonusPoints: 10,
        days: null,
        hours: null,
        startDate: null,
        endDate: null,
      },
    ]);
    expect(messageOf(lines, 'tier')?.values).toEqual({
      name: 'Gold',
      multiplierPercent: 150,
      tierPoints: 120,
      windowDays: 365,
    });
  });

  it('a visit with no minimum, below the minimum, and no purchase', () => {
    const visitOnly = programOf({ earn: { pointsPerCurrencyUnit: 0, pointsPerVisit: 3, minimumSpend: 0 } });
    expect(earn(visitOnly, NO_TIER, null, null).lines.map((l) => l.message)).toEqual([
      { id: 'visit', values: { points: 3, minimumSpend: null } },
    ]);
    const minimum = programOf({ earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 0, minimumSpend: 500 } });
    expect(earn(minimum, NO_TIER, saleOf(400, { tax: 30 }), null).lines.map((l) => l.message)).toEqual([
      { id: 'belowMinimum', values: { eligible: usd(370), minimum: usd(500) } },
    ]);
    expect(earn(minimum, NO_TIER, null, null).lines.map((l) => l.message)).toEqual([
      { id: 'noPurchase', values: {} },
    ]);
  });
});

// ——— Property: a message says what its label and detail say ———

const money = (value: { amount: number; currency: string }) => moneyText(value.amount, value.currency);

describe('earn: messages agree with their lines (property)', () => {
  it('every line has a known message whose values are what its label and detail say', () => {
    fc.assert(
      fc.property(explainProgramArb, explainCustomerArb, explainSaleArb, (program, customer, sale) => {
        const earning = earn(program, customer, sale, TUESDAY_10AM);
        for (const l of earning.lines) {
          const { message } = l;
          expect(EARN_MESSAGE_IDS).toContain(message.id);
          // What an event keeps parses as the event's loose message shape, unchanged.
          expect(ExplanationMessageSchema.parse(message)).toEqual(message);
          switch (message.id) {
            case 'spend':
              expect(l.kind).toBe('spend');
              expect(l.label).toBe(`${money(message.values.amount)} spent`);
              expect(message.values.rate).toBe(program.earn.pointsPerCurrencyUnit);
              expect(message.values.amount.currency).toBe(sale?.total.currency);
              expect(l.detail.startsWith(`${pointsText(message.values.rate)} per `)).toBe(true);
              break;
            case 'spendRule':
              expect(l.label).toBe(
                `${multiplierText(message.values.multiplierPercent)} ${message.values.rule}`,
              );
              expect(l.detail.endsWith(` on ${money(message.values.amount)}`)).toBe(true);
              break;
            case 'visit':
              expect(l.points).toBe(message.values.points);
              expect(message.values.points).toBe(program.earn.pointsPerVisit);
              break;
            case 'promotion':
              expect(l.label).toBe(message.values.label);
              expect(l.detail.startsWith(`${message.values.name} (`)).toBe(true);
              if (message.values.bonusPoints !== null) expect(l.points).toBe(message.values.bonusPoints);
              else
                expect(l.detail).toContain(`${multiplierText(message.values.multiplierPercent!)} the base`);
              break;
            case 'tier':
              expect(l.label).toBe(
                `${message.values.name} ${multiplierText(message.values.multiplierPercent)}`,
              );
              expect(message.values.tierPoints).toBe(customer.tierPoints);
              expect(earning.tier?.earnPercent).toBe(message.values.multiplierPercent);
              break;
            case 'excludedTaxTip':
              expect(l.points).toBe(0);
              expect(message.values.tax?.amount ?? 0).toBe(sale?.tax?.amount ?? 0);
              expect(message.values.tip?.amount ?? 0).toBe(sale?.tip?.amount ?? 0);
              if (message.values.tax) expect(l.detail).toContain(`tax ${money(message.values.tax)}`);
              if (message.values.tip) expect(l.detail).toContain(`tip ${money(message.values.tip)}`);
              break;
            case 'excludedRule':
              expect(l.points).toBe(0);
              expect(l.label).toBe(message.values.rule);
              expect(l.detail).toBe(`Not counted: ${message.values.rule}, ${money(message.values.amount)}`);
              break;
            case 'excludedReward':
            case 'excludedNotIncluded':
              expect(l.points).toBe(0);
              expect(l.detail.endsWith(`, ${money(message.values.amount)}`)).toBe(true);
              break;
            case 'belowMinimum':
              expect(earning.points).toBe(0);
              expect(message.values.minimum.amount).toBe(program.earn.minimumSpend);
              expect(message.values.eligible.amount).toBe(earning.eligibleAmount);
              expect(message.values.eligible.amount).toBeLessThan(message.values.minimum.amount);
              break;
            case 'noPurchase':
              expect(sale).toBeNull();
              break;
          }
        }
        // The explanation an event keeps, messages included, is a valid points.earned payload.
        const event = {
          id: '01932c07-2f4e-7c3a-9d1e-3b2a1c0d9e8f',
          type: 'points.earned',
          deviceId: '01932c07-0000-7000-8000-000000000001',
          seq: 1,
          occurredAt: '2026-03-03T15:00:00.000Z',
          businessDay: '2026-03-03',
          ruleVersion: 0,
          phone: '+14155550123',
          payload: {
            receiptId: null,
            total: sale?.total ?? null,
            points: earning.points,
            explanation: explanationOf(earning.lines),
          },
        };
        const parsed = LedgerEventSchema.safeParse(event);
        if (!parsed.success) expect(parsed.error.issues).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('earn without the explanation texts (property)', () => {
  it('earns exactly what the explained earn does, with the same lines and messages, and empty texts', () => {
    fc.assert(
      fc.property(explainProgramArb, explainCustomerArb, explainSaleArb, (program, customer, sale) => {
        const explained = earn(program, customer, sale, TUESDAY_10AM);
        const pointsOnly = earn(program, customer, sale, TUESDAY_10AM, { explain: false });
        const withoutTexts = (lines: EarnedLine[]) =>
          lines.map(({ kind, points, message }) => ({ kind, points, message }));
        expect(pointsOnly.points).toBe(explained.points);
        expect(pointsOnly.receipt).toEqual(explained.receipt);
        expect(pointsOnly.tier).toEqual(explained.tier);
        expect(pointsOnly.promotionIds).toEqual(explained.promotionIds);
        expect(pointsOnly.eligibleAmount).toBe(explained.eligibleAmount);
        expect(withoutTexts(pointsOnly.lines)).toEqual(withoutTexts(explained.lines));
        // Every text built from numbers is left out (constant labels such as "Tip" may stay).
        for (const l of pointsOnly.lines) {
          if (l.kind === 'spend' || l.kind === 'tier') expect(l.label).toBe('');
          if (l.message.id !== 'noPurchase') expect(l.detail).toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainLine, type Translate } from '../../../src/renderer/src/app/explain-text';
import { createI18n } from '../../../src/renderer/src/i18n';
import { earn } from '../../../src/shared/rules';
import { explainCustomerArb, explainProgramArb, explainSaleArb } from '../rules/explain-arbitraries';
import { line, NO_TIER, programOf, saleOf, TUESDAY_10AM } from '../rules/fixtures';

// The screens' text for an explanation line (src/renderer/src/app/explain-text.ts): English from
// the catalog says exactly what the engine's label and detail say; Spanish is Spanish; a line the
// screen cannot read falls back to the engine's English.

function translator(locale: 'en' | 'es'): Translate {
  const t = createI18n(locale).getFixedT(locale, 'common');
  return (key, options) => t(key, options);
}
const en = translator('en');
const es = translator('es');

describe('explainLine', () => {
  it('in English, says what the engine says, for any program and sale (property)', () => {
    fc.assert(
      fc.property(explainProgramArb, explainCustomerArb, explainSaleArb, (program, customer, sale) => {
        for (const l of earn(program, customer, sale, TUESDAY_10AM).lines) {
          expect(explainLine(en, 'en', l, 'short')).toBe(l.label);
          expect(explainLine(en, 'en', l, 'full')).toBe(l.detail);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('in Spanish, translates the words and formats money the Spanish way', () => {
    const program = programOf({
      earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 0, minimumSpend: 0 },
      itemRules: [{ action: 'multiply', name: 'Coffee', categories: ['coffee'], percent: 150 }],
      promotions: {
        combine: 'best',
        offers: [
          {
            id: 'tue',
            name: 'Double Tuesday',
            label: '2× Tuesday',
            effect: { kind: 'multiply', percent: 200 },
            days: ['tuesday'],
            minimumSpend: 0,
          },
        ],
      },
    });
    const sale = saleOf(1350, {
      tax: 100,
      lines: [line('MUG', 850), line('LATTE', 400, { category: 'coffee' })],
    });
    const lines = earn(program, NO_TIER, sale, TUESDAY_10AM).lines;
    const money = (amount: string) =>
      new Intl.NumberFormat('es', { style: 'currency', currency: 'USD' }).format(Number(amount));
    const unit = new Intl.NumberFormat('es', {
      style: 'currency',
      currency: 'USD',
      maximumFractionDigits: 0,
    }).format(1);
    expect(lines.map((l) => explainLine(es, 'es', l, 'short'))).toEqual([
      `${money('8.50')} gastados`,
      '1,5× Coffee',
      'Impuestos',
      '2× Tuesday',
    ]);
    expect(lines.map((l) => explainLine(es, 'es', l, 'full'))).toEqual([
      `1 punto por cada ${unit} sobre ${money('8.50')}`,
      `Coffee: 1 punto por cada ${unit} × 1,5 sobre ${money('4.00')}`,
      `No cuenta: impuestos ${money('1.00')}`,
      'Double Tuesday (los martes): 2× los puntos base (esta línea es el extra)',
    ]);
  });

  it('falls back to the label and detail without a message, for an unknown id or unfit values', () => {
    const base = { label: '$5.00 spent', detail: '1 point per $1 on $5.00' };
    expect(explainLine(es, 'es', base, 'short')).toBe('$5.00 spent');
    expect(explainLine(es, 'es', base, 'full')).toBe('1 point per $1 on $5.00');
    const newer = {
      ...base,
      message: { id: 'cashback', values: { amount: { amount: 500, currency: 'USD' } } },
    };
    expect(explainLine(es, 'es', newer, 'full')).toBe('1 point per $1 on $5.00');
    const unfit = { ...base, message: { id: 'spend', values: { amount: 500, rate: 1 } } };
    expect(explainLine(es, 'es', unfit, 'short')).toBe('$5.00 spent');
    const badCurrency = {
      ...base,
      message: { id: 'spend', values: { amount: { amount: 5, currency: 'XYZW' }, rate: 1 } },
    };
    expect(explainLine(es, 'es', badCurrency, 'short')).toBe('$5.00 spent');
    // A pending sale's line has no detail: the full text falls back to the label.
    expect(explainLine(es, 'es', { label: 'Visit' }, 'full')).toBe('Visit');
  });
});

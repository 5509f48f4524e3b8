import { describe, expect, it } from 'vitest';
import { formatMoney, MAX_MONEY_AMOUNT, MoneySchema, minorUnitsPerMajor } from '../../../src/shared/money';

describe('MoneySchema', () => {
  it('accepts whole minor units in a known currency', () => {
    expect(MoneySchema.parse({ amount: 1250, currency: 'USD' })).toEqual({ amount: 1250, currency: 'USD' });
    expect(MoneySchema.parse({ amount: 0, currency: 'JPY' }).amount).toBe(0);
    expect(MoneySchema.parse({ amount: MAX_MONEY_AMOUNT, currency: 'EUR' }).amount).toBe(MAX_MONEY_AMOUNT);
  });

  it.each([
    [{ amount: 12.5, currency: 'USD' }, 'not a fraction'],
    [{ amount: -1, currency: 'USD' }, 'cannot be negative'],
    [{ amount: Number.NaN, currency: 'USD' }, 'must be a number'],
    [{ amount: Number.POSITIVE_INFINITY, currency: 'USD' }, ''],
    [{ amount: MAX_MONEY_AMOUNT + 1, currency: 'USD' }, 'cannot exceed'],
    [{ amount: '1250', currency: 'USD' }, 'must be a number'],
    [{ amount: 1250, currency: 'usd' }, 'three-letter ISO 4217'],
    [{ amount: 1250, currency: 'XYZ' }, 'not a known ISO 4217'],
    [{ amount: 1250 }, ''],
    [{ amount: 1250, currency: 'USD', extra: true }, ''],
  ])('refuses %j', (value, message) => {
    const result = MoneySchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });
});

describe('minor units', () => {
  it('knows how many minor units each currency has', () => {
    expect(minorUnitsPerMajor('USD')).toBe(100);
    expect(minorUnitsPerMajor('JPY')).toBe(1);
    expect(minorUnitsPerMajor('BHD')).toBe(1000);
  });

  it('formats for people', () => {
    expect(formatMoney({ amount: 1250, currency: 'USD' }, 'en-US')).toBe('$12.50');
    expect(formatMoney({ amount: 1250, currency: 'JPY' }, 'en-US')).toBe('¥1,250');
  });
});

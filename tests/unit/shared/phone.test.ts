import { describe, expect, it } from 'vitest';
import { E164Schema, maskPhone, normalizePhone } from '../../../src/shared/phone';

describe('normalizePhone', () => {
  it.each([
    [
      'GB',
      [
        '020 7946 0018',
        '02079460018',
        '+44 20 7946 0018',
        '+44 (0)20-7946-0018',
        '0044 20 7946 0018',
        '(020) 7946-0018',
      ],
      '+442079460018',
    ],
    [
      'US',
      ['(415) 555-0123', '415-555-0123', '415.555.0123', '1-415-555-0123', '+1 415 555 0123', '4155550123'],
      '+14155550123',
    ],
    ['FR', ['06 12 34 56 78', '0612345678', '+33 6 12 34 56 78', '0033612345678'], '+33612345678'],
    ['DE', ['030 123456', '+49 30 123456', '0049 30 123456'], '+4930123456'],
  ])('gives one E.164 number for every way it is typed in %s', (country, inputs, expected) => {
    for (const input of inputs)
      expect(normalizePhone(input, country), input).toEqual({ ok: true, e164: expected });
  });

  it('accepts an international number at a store in another country', () => {
    expect(normalizePhone('+44 20 7946 0018', 'US')).toEqual({ ok: true, e164: '+442079460018' });
  });

  it.each([
    ['', 'Enter a phone number.'],
    ['   ', 'Enter a phone number.'],
    ['415-555-O123', 'Use digits only'],
    ['call 4155550123', 'Use digits only'],
    ['4155550123 ext 5', 'Use digits only'],
    ['415+5550123', 'A + may only come at the start'],
    ['123', 'too few digits'],
    ['555-0123', 'too few digits'],
    ['+1 415 555 0123 4567', 'too many digits'],
    ['020 7946 0018', 'too many digits'],
    ['+999 1234567', 'country calling code does not exist'],
    ['(099) 555-0123', 'does not exist'],
    ['9'.repeat(40), 'too long to be a phone number'],
    ['📞4155550123', 'Use digits only'],
    ["4155550123'; DROP TABLE customers;--", 'Use digits only'],
  ])('refuses %j with a reason a person can read', (input, reason) => {
    const result = normalizePhone(input, 'US');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('refuses when the store country itself is wrong', () => {
    const result = normalizePhone('4155550123', 'XX');
    expect(result).toEqual({
      ok: false,
      reason: "The store's country (XX) is not set correctly.",
      problem: 'store_country',
    });
  });
});

describe('E164Schema', () => {
  it('accepts only normalised, existing numbers', () => {
    expect(E164Schema.safeParse('+14155550123').success).toBe(true);
    expect(E164Schema.safeParse('4155550123').success).toBe(false);
    expect(E164Schema.safeParse('+1 415 555 0123').success).toBe(false);
    expect(E164Schema.safeParse('+10995550123').success).toBe(false);
  });
});

describe('maskPhone', () => {
  it('shows at most the last four digits', () => {
    const masked = maskPhone('+14155550123');
    expect(masked.endsWith('0123')).toBe(true);
    expect(masked.replace(/\D/g, '')).toBe('0123');
  });
});

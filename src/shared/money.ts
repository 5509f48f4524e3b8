import { z } from 'zod';

/**
 * Money is an integer count of the currency's minor units (cents, pence; whole yen) plus its
 * ISO 4217 code. No floats anywhere: a POS that sends 12.5 for $12.50 is told so.
 */

/** The largest amount one sale, refund or discount may carry: 999,999,999 minor units. */
export const MAX_MONEY_AMOUNT = 999_999_999;

// Intl knows the ISO 4217 list and each currency's minor-unit digits; both run in Node and Chromium.
const knownCurrencies = new Set<string>(Intl.supportedValuesOf('currency'));

export function isKnownCurrency(code: string): boolean {
  return knownCurrencies.has(code);
}

const minorUnitsCache = new Map<string, number>();

/** How many minor units make one major unit: 100 for USD and EUR, 1 for JPY, 1000 for BHD. */
export function minorUnitsPerMajor(currency: string): number {
  let perMajor = minorUnitsCache.get(currency);
  if (perMajor === undefined) {
    // Building an Intl.NumberFormat costs tens of microseconds: once per currency, not per sale.
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    perMajor = 10 ** (digits ?? 2);
    minorUnitsCache.set(currency, perMajor);
  }
  return perMajor;
}

export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'Currency must be a three-letter ISO 4217 code such as USD or EUR.' })
  .refine(isKnownCurrency, { message: 'Currency is not a known ISO 4217 code.' });

export const MinorUnitsSchema = z
  .number({ message: 'Amount must be a number of minor units (for example 1250 for 12.50).' })
  .int({
    message: 'Amount must be a whole number of minor units (for example 1250 for 12.50), not a fraction.',
  })
  .min(0, { message: 'Amount cannot be negative.' })
  .max(MAX_MONEY_AMOUNT, { message: `Amount cannot exceed ${MAX_MONEY_AMOUNT} minor units.` });

export const MoneySchema = z.strictObject({
  amount: MinorUnitsSchema,
  currency: CurrencySchema,
});

export type Money = z.infer<typeof MoneySchema>;

/** Formats money for people, in the given locale (the kiosk's display language). */
export function formatMoney(money: Money, locale = 'en'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(
    money.amount / minorUnitsPerMajor(money.currency),
  );
}

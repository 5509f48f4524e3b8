/**
 * Numbers, money and dates for the screens, through Intl in the screen's locale. The pseudo-locales
 * (src/renderer/src/i18n.ts) format as English: they test layout, not number systems.
 */
export function intlLocale(locale: string): string {
  if (locale === 'en-XA' || locale === 'ar-XB') return 'en';
  return locale;
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let format = cache.get(key) as T | undefined;
  if (!format) {
    format = make();
    cache.set(key, format);
  }
  return format;
}

export function formatNumber(locale: string, value: number): string {
  const tag = intlLocale(locale);
  return cached(`n|${tag}`, () => new Intl.NumberFormat(tag)).format(value);
}

/**
 * Digits of the currency's minor unit (2 for USD and EUR, 0 for JPY), as src/shared/money.ts reads
 * them from Intl; imported from there, zod would come into the screens' bundle with it. 2 for a
 * code Intl does not know.
 */
export function currencyDigits(currency: string): number {
  try {
    const format = cached(
      `m|en|${currency}`,
      () => new Intl.NumberFormat('en', { style: 'currency', currency }),
    ) as Intl.NumberFormat;
    return format.resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Money held as integer minor units of an ISO 4217 currency. */
export function formatMoney(locale: string, money: { amount: number; currency: string }): string {
  const tag = intlLocale(locale);
  const format = cached(
    `m|${tag}|${money.currency}`,
    () => new Intl.NumberFormat(tag, { style: 'currency', currency: money.currency }),
  ) as Intl.NumberFormat;
  return format.format(money.amount / 10 ** currencyDigits(money.currency));
}

/** A moment shown in the store's time zone (the till's business day is the store's). */
export function formatDateTime(
  locale: string,
  iso: string,
  timeZone: string,
  style: 'time' | 'date' | 'dateTime' = 'dateTime',
): string {
  const tag = intlLocale(locale);
  const options: Intl.DateTimeFormatOptions =
    style === 'time'
      ? { timeStyle: 'short', timeZone }
      : style === 'date'
        ? { dateStyle: 'medium', timeZone }
        : { dateStyle: 'medium', timeStyle: 'short', timeZone };
  return cached(`d|${tag}|${timeZone}|${style}`, () => new Intl.DateTimeFormat(tag, options)).format(
    new Date(iso),
  );
}

/** One major unit of a currency with no decimals ("$1", "1 US$"): "1 point per $1". */
export function formatCurrencyUnit(locale: string, currency: string): string {
  const tag = intlLocale(locale);
  return cached(
    `u|${tag}|${currency}`,
    () =>
      new Intl.NumberFormat(tag, {
        style: 'currency',
        currency,
        minimumFractionDigits: 0,
        maximumFractionDigits: 0,
      }),
  ).format(1);
}

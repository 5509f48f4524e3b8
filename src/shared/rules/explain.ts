import { minorUnitsPerMajor } from '../money';

/** Wording shared by the explanation lines. English for now; the renderer may translate by `kind`. */

/** 150 → "1.5", 200 → "2", 125 → "1.25": integer maths, no float formatting. */
export function multiplierNumber(percent: number): string {
  const whole = (percent - (percent % 100)) / 100;
  const hundredths = percent % 100;
  if (hundredths === 0) return `${whole}`;
  return `${whole}.${String(hundredths).padStart(2, '0').replace(/0$/, '')}`;
}

/** 150 → "1.5×". */
export function multiplierText(percent: number): string {
  return `${multiplierNumber(percent)}×`;
}

export function pointsText(points: number): string {
  return `${points} ${points === 1 ? 'point' : 'points'}`;
}

// Building an Intl.NumberFormat costs tens of microseconds and every check-in explains itself, so
// formatters are made once per currency.
const moneyFormats = new Map<string, Intl.NumberFormat>();
const unitFormats = new Map<string, Intl.NumberFormat>();

function formatterFor(cache: Map<string, Intl.NumberFormat>, currency: string, wholeUnits: boolean) {
  let format = cache.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
      ...(wholeUnits ? { maximumFractionDigits: 0, minimumFractionDigits: 0 } : {}),
    });
    cache.set(currency, format);
  }
  return format;
}

/** 1250 USD → "$12.50". The amount goes to Intl as an exact decimal string, never a float. */
export function moneyText(amount: number, currency: string): string {
  const perMajor = minorUnitsPerMajor(currency);
  const minor = amount % perMajor;
  const major = (amount - minor) / perMajor;
  const decimals = String(perMajor).length - 1;
  const decimal = decimals === 0 ? `${major}` : `${major}.${String(minor).padStart(decimals, '0')}`;
  // Intl formats decimal strings exactly (ECMA-402 "Intl.NumberFormat v3"); the type says number.
  return formatterFor(moneyFormats, currency, false).format(decimal as unknown as number);
}

/** "$1" for the currency's major unit. */
export function currencyUnitText(currency: string): string {
  return formatterFor(unitFormats, currency, true).format(1);
}

export function capitalised(text: string): string {
  return text.length === 0 ? text : `${text[0]!.toUpperCase()}${text.slice(1)}`;
}

import { formatMoney, minorUnitsPerMajor } from '../money';

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

export function moneyText(amount: number, currency: string): string {
  return formatMoney({ amount, currency });
}

/** "$1" for the currency's major unit. */
export function currencyUnitText(currency: string): string {
  return formatMoney({ amount: minorUnitsPerMajor(currency), currency }).replace(/[.,]0+(?=\D*$)/, '');
}

export function capitalised(text: string): string {
  return text.length === 0 ? text : `${text[0]!.toUpperCase()}${text.slice(1)}`;
}

import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExplanationMessage } from '../../../shared/events';
import { formatCurrencyUnit, formatMoney, formatNumber } from '../format';

/**
 * An explanation line of the rules engine (src/shared/rules/earn.ts) in the screen's language: its
 * `message` (src/shared/rules/message.ts) through the `explain` section of the common catalog, with
 * money and numbers formatted for the locale. `short` is the customer's, `full` the cashier's. The
 * engine's English `label`/`detail` is the fallback when the line has no message (older events),
 * an id this screen does not know (a newer engine), or values that do not fit the id.
 */

export interface ExplainableLine {
  label: string;
  detail?: string;
  message?: ExplanationMessage | undefined;
}

export type ExplainVariant = 'short' | 'full';

/** i18next's `t` for the common namespace, narrowed to what this module calls. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

type Values = ExplanationMessage['values'];
type Money = { amount: number; currency: string };

/** Thrown inside explainLine when a value is missing or of the wrong type: the line falls back. */
class Unfit extends Error {}

function money(values: Values, key: string): Money {
  const value = values[key];
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof value.amount === 'number' &&
    Number.isSafeInteger(value.amount) &&
    typeof value.currency === 'string' &&
    /^[A-Z]{3}$/.test(value.currency)
  ) {
    return { amount: value.amount, currency: value.currency };
  }
  throw new Unfit(key);
}

function moneyOrNull(values: Values, key: string): Money | null {
  return values[key] === null || values[key] === undefined ? null : money(values, key);
}

function num(values: Values, key: string): number {
  const value = values[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new Unfit(key);
}

function numOrNull(values: Values, key: string): number | null {
  return values[key] === null || values[key] === undefined ? null : num(values, key);
}

function text(values: Values, key: string): string {
  const value = values[key];
  if (typeof value === 'string') return value;
  throw new Unfit(key);
}

function textOrNull(values: Values, key: string): string | null {
  return values[key] === null || values[key] === undefined ? null : text(values, key);
}

const DAYS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);

/** "Tuesdays, 16:00–18:00, 2026-03-01 to 2026-03-31", as rules/promotions.ts describeSchedule. */
function schedule(t: Translate, values: Values): string {
  const parts: string[] = [];
  const days = values.days;
  if (days !== null && days !== undefined) {
    if (!Array.isArray(days)) throw new Unfit('days');
    parts.push(
      days
        .map((day) => {
          if (typeof day !== 'string' || !DAYS.has(day)) throw new Unfit('days');
          return t(`explain.days.${day}`);
        })
        .join(t('explain.schedule.separator')),
    );
  }
  const hours = values.hours;
  if (hours !== null && hours !== undefined) {
    if (typeof hours !== 'object' || Array.isArray(hours)) throw new Unfit('hours');
    if (typeof hours.from !== 'string' || typeof hours.to !== 'string') throw new Unfit('hours');
    parts.push(t('explain.schedule.hours', { from: hours.from, to: hours.to }));
  }
  const start = textOrNull(values, 'startDate');
  const end = textOrNull(values, 'endDate');
  if (start && end) parts.push(t('explain.schedule.between', { start, end }));
  else if (start) parts.push(t('explain.schedule.from', { start }));
  else if (end) parts.push(t('explain.schedule.until', { end }));
  return parts.length === 0 ? t('explain.schedule.everyDay') : parts.join(t('explain.schedule.separator'));
}

function messageText(
  t: Translate,
  locale: string,
  message: ExplanationMessage,
  full: boolean,
): string | null {
  const { values } = message;
  const amount = (key: string) => formatMoney(locale, money(values, key));
  const points = (count: number) => t('points', { count });
  const multiplier = (key: string) => `${formatNumber(locale, num(values, key) / 100)}×`;
  const unit = (key: string) => formatCurrencyUnit(locale, money(values, key).currency);
  switch (message.id) {
    case 'spend':
      return full
        ? t('explain.spend.full', {
            rate: points(num(values, 'rate')),
            unit: unit('amount'),
            amount: amount('amount'),
          })
        : t('explain.spend.short', { amount: amount('amount') });
    case 'spendRule':
      return full
        ? t('explain.spendRule.full', {
            rule: text(values, 'rule'),
            rate: points(num(values, 'rate')),
            unit: unit('amount'),
            factor: formatNumber(locale, num(values, 'multiplierPercent') / 100),
            amount: amount('amount'),
          })
        : t('explain.spendRule.short', {
            multiplier: multiplier('multiplierPercent'),
            rule: text(values, 'rule'),
          });
    case 'visit': {
      if (!full) return t('explain.visit.short');
      const minimum = moneyOrNull(values, 'minimumSpend');
      const visitPoints = points(num(values, 'points'));
      return minimum
        ? t('explain.visit.fullMinimum', { points: visitPoints, minimum: formatMoney(locale, minimum) })
        : t('explain.visit.full', { points: visitPoints });
    }
    case 'promotion': {
      if (!full) return t('explain.promotion.short', { label: text(values, 'label') });
      const name = text(values, 'name');
      const percent = numOrNull(values, 'multiplierPercent');
      if (percent !== null) {
        return t('explain.promotion.full', {
          name,
          schedule: schedule(t, values),
          multiplier: multiplier('multiplierPercent'),
        });
      }
      return t('explain.promotion.fullBonus', {
        name,
        schedule: schedule(t, values),
        points: points(num(values, 'bonusPoints')),
      });
    }
    case 'tier':
      return full
        ? t('explain.tier.full', {
            name: text(values, 'name'),
            points: points(num(values, 'tierPoints')),
            windowDays: formatNumber(locale, num(values, 'windowDays')),
            multiplier: multiplier('multiplierPercent'),
          })
        : t('explain.tier.short', {
            name: text(values, 'name'),
            multiplier: multiplier('multiplierPercent'),
          });
    case 'excludedTaxTip': {
      const tax = moneyOrNull(values, 'tax');
      const tip = moneyOrNull(values, 'tip');
      if (tax && tip) {
        return full
          ? t('explain.excludedTaxTip.fullBoth', {
              tax: formatMoney(locale, tax),
              tip: formatMoney(locale, tip),
            })
          : t('explain.excludedTaxTip.shortBoth');
      }
      if (tax)
        return full
          ? t('explain.excludedTaxTip.full', { tax: formatMoney(locale, tax) })
          : t('explain.excludedTaxTip.short');
      if (tip)
        return full
          ? t('explain.excludedTaxTip.fullTip', { tip: formatMoney(locale, tip) })
          : t('explain.excludedTaxTip.shortTip');
      throw new Unfit('tax');
    }
    case 'excludedRule':
      return full
        ? t('explain.excludedRule.full', { rule: text(values, 'rule'), amount: amount('amount') })
        : t('explain.excludedRule.short', { rule: text(values, 'rule') });
    case 'excludedReward':
      return full
        ? t('explain.excludedReward.full', { amount: amount('amount') })
        : t('explain.excludedReward.short');
    case 'excludedNotIncluded':
      return full
        ? t('explain.excludedNotIncluded.full', { amount: amount('amount') })
        : t('explain.excludedNotIncluded.short');
    case 'belowMinimum':
      return full
        ? t('explain.belowMinimum.full', { eligible: amount('eligible'), minimum: amount('minimum') })
        : t('explain.belowMinimum.short');
    case 'noPurchase':
      return full ? t('explain.noPurchase.full') : t('explain.noPurchase.short');
    default:
      return null;
  }
}

/** A line's text for the customer (`short`) or the cashier (`full`); never throws. */
export function explainLine(
  t: Translate,
  locale: string,
  line: ExplainableLine,
  variant: ExplainVariant,
): string {
  const english = variant === 'full' ? (line.detail ?? line.label) : line.label;
  if (!line.message) return english;
  try {
    return messageText(t, locale, line.message, variant === 'full') ?? english;
  } catch {
    // Unfit values, or a currency Intl does not know: the engine's own words.
    return english;
  }
}

/** explainLine in the screen's language, for a component. */
export function useExplainLine(): (line: ExplainableLine, variant: ExplainVariant) => string {
  const { t, i18n } = useTranslation('common');
  const locale = i18n.language;
  return useCallback(
    (line, variant) => explainLine((key, options) => t(key, options), locale, line, variant),
    [t, locale],
  );
}

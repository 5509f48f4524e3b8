import type { TFunction } from 'i18next';
import type { ChannelOutput } from '../../../shared/ipc';
import { formatDateTime } from '../format';

type CheckInAnswer = ChannelOutput<'checkin:create'>;
export type CheckedIn = Extract<CheckInAnswer, { status: 'checked_in' }>;

/** How a check-in ended, as the screen shows it. Holds the customer's details: dropped on idle. */
export type Outcome =
  | { kind: 'checked_in'; result: CheckedIn; joined: boolean }
  | { kind: 'not_allowed'; reason: 'cooldown' | 'daily_limit'; retryAt: string }
  | { kind: 'already_checked_in' };

export function outcomeOf(answer: CheckInAnswer, joined: boolean): Outcome {
  switch (answer.status) {
    case 'checked_in':
      return { kind: 'checked_in', result: answer, joined };
    case 'not_allowed':
      return { kind: 'not_allowed', reason: answer.reason, retryAt: answer.retryAt };
    case 'already_checked_in':
      return { kind: 'already_checked_in' };
  }
}

/** When a refused customer may check in again: the time today, else the date and time. */
function retryText(locale: string, iso: string, timeZone: string): string {
  const sameDay =
    formatDateTime(locale, iso, timeZone, 'date') ===
    formatDateTime(locale, new Date().toISOString(), timeZone, 'date');
  return formatDateTime(locale, iso, timeZone, sameDay ? 'time' : 'dateTime');
}

/** The sentence the live region announces: the points earned and the balance, or why none. */
export function announcement(
  outcome: Outcome,
  t: TFunction<'customer'>,
  where: { locale: string; timeZone: string },
): string {
  switch (outcome.kind) {
    case 'checked_in': {
      const { pointsEarned, balance } = outcome.result;
      return `${t('result.earned', { count: pointsEarned })} ${t('result.balance', { count: balance.provisional })}`;
    }
    case 'not_allowed':
      return outcome.reason === 'cooldown'
        ? t('refused.cooldown', { time: retryText(where.locale, outcome.retryAt, where.timeZone) })
        : t('refused.daily_limit');
    case 'already_checked_in':
      return t('refused.receipt');
  }
}

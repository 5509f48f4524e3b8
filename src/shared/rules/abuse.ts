import { addDays, firstInstantOf, wallClock } from './calendar';
import type { CheckInLimits } from './schema';

/**
 * Abuse control at the kiosk, before points are given rather than flagged afterwards: a cooldown
 * between two check-ins of one phone and a limit of check-ins per business day. The answer says
 * why, kindly, and when the customer may come back.
 */

export interface CheckInHistory {
  /** The phone's last check-in, or null. */
  lastCheckInAt: Date | null;
  /** Check-ins of the phone on the business day of the new one (store's zone). */
  checkInsToday: number;
}

export type CheckInDecision =
  | { allowed: true }
  | {
      allowed: false;
      reason: 'cooldown' | 'daily_limit';
      /** For the customer screen. */
      message: string;
      /** The first instant a check-in will be allowed again. */
      retryAt: Date;
    };

export function checkInDecision(
  limits: CheckInLimits,
  history: CheckInHistory,
  at: Date,
  timeZone: string,
): CheckInDecision {
  if (limits.maxPerDay === null && limits.cooldownMinutes <= 0) return { allowed: true };
  const today = wallClock(at, timeZone).date;
  if (limits.maxPerDay !== null && history.checkInsToday >= limits.maxPerDay) {
    const times =
      history.checkInsToday === 1
        ? 'once'
        : history.checkInsToday === 2
          ? 'twice'
          : `${history.checkInsToday} times`;
    return {
      allowed: false,
      reason: 'daily_limit',
      message: `You've already checked in ${times} today, the most this store allows. See you tomorrow!`,
      retryAt: firstInstantOf(addDays(today, 1), timeZone),
    };
  }
  const last = history.lastCheckInAt;
  // A last check-in "in the future" means a clock went backwards: we cannot measure the gap, and a
  // wrong clock must never block a customer, so the cooldown is not applied.
  if (limits.cooldownMinutes > 0 && last !== null && last.getTime() <= at.getTime()) {
    const retryAt = new Date(last.getTime() + limits.cooldownMinutes * 60_000);
    if (retryAt.getTime() > at.getTime()) {
      const minutesAgo = Math.floor((at.getTime() - last.getTime()) / 60_000);
      const ago =
        minutesAgo < 1 ? 'just now' : minutesAgo === 1 ? 'a minute ago' : `${minutesAgo} minutes ago`;
      return {
        allowed: false,
        reason: 'cooldown',
        message: `Thanks, you checked in ${ago}. You can check in again ${whenText(retryAt, today, timeZone)}.`,
        retryAt,
      };
    }
  }
  return { allowed: true };
}

function whenText(retryAt: Date, today: string, timeZone: string): string {
  const clock = wallClock(retryAt, timeZone);
  const time = `${String(Math.floor(clock.minuteOfDay / 60)).padStart(2, '0')}:${String(clock.minuteOfDay % 60).padStart(2, '0')}`;
  if (clock.date === today) return `from ${time}`;
  if (clock.date === addDays(today, 1)) return `tomorrow from ${time}`;
  return `from ${clock.date} ${time}`;
}

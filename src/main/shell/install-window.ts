import { businessDayOf } from '../../shared/time';

/**
 * When a downloaded update may be installed (the kiosk restarts to do it): only when nobody is
 * using the kiosk, and then only after the manager has closed today's business day or inside the
 * night window, both in the store's time zone. Pure, so every case is a unit test.
 */

export interface NightWindow {
  /** Minutes after local midnight, start inclusive, end exclusive; may wrap past midnight. */
  startMinute: number;
  endMinute: number;
}

export const DEFAULT_NIGHT_WINDOW: NightWindow = { startMinute: 2 * 60, endMinute: 5 * 60 };

/** Parses "HH:MM-HH:MM" (KIOSK_UPDATE_WINDOW); null when malformed. */
export function parseNightWindow(text: string): NightWindow | null {
  const match = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [h1, m1, h2, m2] = match.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) return null;
  const window = { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
  return window.startMinute === window.endMinute ? null : window;
}

const minuteFormatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes after local midnight of an instant in a time zone. */
export function localMinuteOf(instant: Date, timeZone: string): number {
  let formatter = minuteFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    minuteFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const hour = Number(parts.find((part) => part.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((part) => part.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

export function isInNightWindow(instant: Date, timeZone: string, window: NightWindow): boolean {
  const minute = localMinuteOf(instant, timeZone);
  return window.startMinute < window.endMinute
    ? minute >= window.startMinute && minute < window.endMinute
    : minute >= window.startMinute || minute < window.endMinute;
}

export interface InstallContext {
  now: Date;
  timeZone: string;
  nightWindow: NightWindow;
  /** Whether the manager has closed this business day (a day.closed event exists for it). */
  isDayClosed: (businessDay: string) => boolean;
  busy: { busy: boolean; reason: string | null };
}

export type InstallDecision = { install: true; reason: string } | { install: false; reason: string };

export function mayInstallNow(context: InstallContext): InstallDecision {
  if (context.busy.busy) return { install: false, reason: `busy: ${context.busy.reason ?? 'in use'}` };
  const today = businessDayOf(context.now, context.timeZone);
  if (context.isDayClosed(today)) return { install: true, reason: `business day ${today} is closed` };
  if (isInNightWindow(context.now, context.timeZone, context.nightWindow)) {
    return { install: true, reason: 'inside the night window' };
  }
  return { install: false, reason: `business day ${today} is open and it is outside the night window` };
}

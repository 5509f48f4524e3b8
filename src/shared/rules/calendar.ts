/**
 * Dates and clock times in the store's own time zone. A promotion "Tuesdays 4–6 pm" means 4–6 pm
 * on the shop's wall clock, whatever zone the till or the server runs in, so every rule that
 * depends on time takes the instant and the store's IANA zone and asks Intl for the wall clock.
 * Calendar dates are ISO strings (YYYY-MM-DD); their arithmetic goes through UTC midnights, which
 * have no daylight-saving gaps. Nothing here reads the current time.
 */

export const DAY_NAMES = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type DayName = (typeof DAY_NAMES)[number];

export interface WallClock {
  /** The calendar date in the store's zone, YYYY-MM-DD. */
  date: string;
  day: DayName;
  /** Minutes since local midnight, 0 … 1439. */
  minuteOfDay: number;
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();

function clockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = clockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    clockFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The store's wall clock at an instant. */
/** The zone's offset from UTC at an instant, in ms, read from Intl (exact, but costs microseconds). */
function exactOffsetMs(ms: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const part of clockFormatter(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
  );
  return local - (ms - (ms % 60_000));
}

// Every check-in reads the store's wall clock, and Intl's formatToParts costs several
// microseconds. Offsets are whole quarter hours and change a few times a year, so the offset is
// kept per quarter hour of UTC; a quarter hour whose start and end disagree (a clock change inside
// it) is always asked of Intl.
const QUARTER_HOUR_MS = 15 * 60_000;
const quarterOffsets = new Map<string, number | null>();

function offsetMs(ms: number, timeZone: string): number {
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  const key = `${timeZone}|${quarter}`;
  let offset = quarterOffsets.get(key);
  if (offset === undefined) {
    const start = exactOffsetMs(quarter * QUARTER_HOUR_MS, timeZone);
    const end = exactOffsetMs((quarter + 1) * QUARTER_HOUR_MS - 60_000, timeZone);
    offset = start === end && start % QUARTER_HOUR_MS === 0 ? start : null;
    if (quarterOffsets.size >= 4096) quarterOffsets.clear();
    quarterOffsets.set(key, offset);
  }
  return offset ?? exactOffsetMs(ms, timeZone);
}

export function wallClock(instant: Date, timeZone: string): WallClock {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('The instant is not a valid date.');
  const localMinutes = Math.floor((ms + offsetMs(ms, timeZone)) / 60_000);
  const date = new Date(localMinutes * 60_000).toISOString().slice(0, 10);
  return { date, day: dayOfDate(date), minuteOfDay: ((localMinutes % 1440) + 1440) % 1440 };
}

function utcMidnight(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day);
}

function dateOfUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dayOfDate(date: string): DayName {
  // getUTCDay: 0 = Sunday; DAY_NAMES starts on Monday (ISO 8601).
  return DAY_NAMES[(new Date(utcMidnight(date)).getUTCDay() + 6) % 7]!;
}

export function addDays(date: string, days: number): string {
  return dateOfUtc(utcMidnight(date) + days * 86_400_000);
}

/** The last date of the month that is `monthsAfter` months after the month of `date`. */
export function lastDayOfMonthAfter(date: string, monthsAfter: number): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  // Day 0 of the following month is the last day of this one.
  return dateOfUtc(Date.UTC(year, month - 1 + monthsAfter + 1, 0));
}

export type CalendarPeriod = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** The first date of the period containing `date` (weeks start on Monday). */
export function startOfPeriod(date: string, period: CalendarPeriod): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  switch (period) {
    case 'day':
      return date;
    case 'week':
      return addDays(date, -DAY_NAMES.indexOf(dayOfDate(date)));
    case 'month':
      return dateOfUtc(Date.UTC(year, month - 1, 1));
    case 'quarter':
      return dateOfUtc(Date.UTC(year, month - 1 - ((month - 1) % 3), 1));
    case 'year':
      return dateOfUtc(Date.UTC(year, 0, 1));
  }
}

/**
 * The first instant whose date in the zone is `date` or later: local midnight, or the first minute
 * after a daylight-saving jump that skips midnight. Found by bisection on the wall clock, which
 * needs no table of offsets and stays exact whatever the zone's rules.
 */
export function firstInstantOf(date: string, timeZone: string): Date {
  // Every zone is within ±18 h of UTC, so the answer lies in this window.
  let low = utcMidnight(date) - 18 * 3_600_000;
  let high = utcMidnight(date) + 18 * 3_600_000;
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (wallClock(new Date(middle), timeZone).date >= date) high = middle;
    else low = middle;
  }
  return new Date(high);
}

/** "HH:MM" → minutes since midnight; "24:00" is the end of the day. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

import { z } from 'zod';

/**
 * Business days are dates in the store's own time zone: a sale at 23:30 in Sydney belongs to that
 * Sydney day, whatever the till's or the server's clock zone is.
 */

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, { message: 'Time zone must be an IANA name such as Europe/London.' });

export const BusinessDaySchema = z.iso.date({ message: 'Business day must be a date such as 2026-11-23.' });

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function businessDayOf(instant: Date, timeZone: string): string {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    // en-CA formats dates as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormatters.set(timeZone, formatter);
  }
  return formatter.format(instant);
}

/** An instant with its offset, as the till's clock saw it (kept for receipts and audit only). */
export const InstantSchema = z.iso.datetime({ offset: true, message: 'Time must be an ISO 8601 instant.' });

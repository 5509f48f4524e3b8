import type { z } from 'zod';
import { KioskError, type ErrorCode } from '../../shared/errors';
import { normalizePhone } from '../../shared/phone';

/**
 * Parses what a caller handed the ledger (a screen, the POS link, a test) and turns the first
 * problem into a KioskError a cashier can read. Nothing is written before this has passed.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [field, ...(issue?.path ?? [])].join('.');
  throw new KioskError(codeFor(path), issue ? `${issue.message} (${path})` : undefined, path);
}

function codeFor(path: string): ErrorCode {
  if (/(^|\.)currency$/.test(path)) return 'unknown_currency';
  if (/(^|\.)amount$/.test(path) || path === 'amount') return 'invalid_amount';
  return 'invalid_input';
}

// Parsing a number against the full metadata costs 10–15 µs, a good share of a check-in's CPU,
// and a till sees the same regulars type the same numbers all day: valid answers are remembered,
// most recent first, up to a bound that holds a busy store's customers in a few megabytes.
const recentPhones = new Map<string, string>();
const RECENT_PHONES_LIMIT = 50_000;

/** Normalises a typed phone number to E.164 with the store's country, or says what is wrong. */
export function parsePhone(value: unknown, country: string): string {
  if (typeof value !== 'string') throw new KioskError('invalid_phone', 'Enter the number as text.', 'phone');
  const key = `${country}|${value}`;
  const known = recentPhones.get(key);
  if (known !== undefined) {
    recentPhones.delete(key);
    recentPhones.set(key, known);
    return known;
  }
  const result = normalizePhone(value, country);
  if (!result.ok) throw new KioskError('invalid_phone', result.reason, 'phone');
  if (recentPhones.size >= RECENT_PHONES_LIMIT) recentPhones.delete(recentPhones.keys().next().value!);
  recentPhones.set(key, result.e164);
  return result.e164;
}

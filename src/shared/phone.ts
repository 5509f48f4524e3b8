import { z } from 'zod';
import {
  type CountryCode,
  isSupportedCountry,
  isValidPhoneNumber,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';

/**
 * Phone numbers are the customer's key, so every till and the server must turn the many ways a
 * person types one ("020 7946 0018", "+44 (0)20-7946-0018", "0044 20 7946 0018") into one E.164
 * string. Lookups failing on formatting is the most reported bug in the loyalty systems we replace.
 * The "max" metadata is used because it knows which number ranges really exist, so a typo that
 * only has the right length is still refused instead of creating an account nobody owns.
 */

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

/** Characters a person may type around the digits; anything else (letters, emoji) is refused. */
const ALLOWED_CHARACTERS = /^[0-9\s\-().+/]*$/;
const MAX_INPUT_LENGTH = 32;

export const CountryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'Country must be a two-letter ISO 3166 code such as US or GB.' })
  .refine((code) => isSupportedCountry(code), { message: 'Country is not a known ISO 3166 code.' });

export function normalizePhone(input: string, defaultCountry: string): PhoneResult {
  const text = input.trim();
  if (text.length === 0) return { ok: false, reason: 'Enter a phone number.' };
  if (!ALLOWED_CHARACTERS.test(text)) {
    return { ok: false, reason: 'Use digits only; spaces, dashes, brackets and a leading + are fine.' };
  }
  if (text.length > MAX_INPUT_LENGTH) return { ok: false, reason: 'That is too long to be a phone number.' };
  if (text.lastIndexOf('+') > 0)
    return { ok: false, reason: 'A + may only come at the start of the number.' };
  if (!isSupportedCountry(defaultCountry)) {
    return { ok: false, reason: `The store's country (${defaultCountry}) is not set correctly.` };
  }
  const country = defaultCountry as CountryCode;

  try {
    const parsed = parsePhoneNumberWithError(text, country);
    if (parsed.ext) return { ok: false, reason: 'Leave out the extension.' };
    if (parsed.isValid()) return { ok: true, e164: parsed.number };
  } catch {
    // Explained below.
  }
  return { ok: false, reason: whyNotValid(text, country) };
}

/** The reason a number was refused, worked out only on the (rare) failure path. */
function whyNotValid(text: string, country: CountryCode): string {
  switch (validatePhoneNumberLength(text, country)) {
    case undefined:
      return 'That number does not exist; please check the digits.';
    case 'TOO_SHORT':
      return 'That number has too few digits.';
    case 'TOO_LONG':
      return 'That number has too many digits.';
    case 'INVALID_COUNTRY':
      return 'That country calling code does not exist.';
    default:
      return 'That is not a phone number.';
  }
}

// Every event re-checks its phone number against the metadata, which costs 10–20 microseconds a
// number; the same customers come back all day, so valid answers are kept, least recently used
// dropped first. A till sees a few thousand numbers; the server sees every store's customers (the
// load benchmark's 25 stores push about 26,000 distinct numbers), hence room for 100,000: about
// 10 MB when full, and only the server ever fills it.
const knownValidE164 = new Map<string, true>();
const KNOWN_VALID_LIMIT = 100_000;

function isExistingE164(value: string): boolean {
  if (knownValidE164.has(value)) {
    // Refresh: a Map iterates in insertion order, so the first key is the least recently used.
    knownValidE164.delete(value);
    knownValidE164.set(value, true);
    return true;
  }
  if (!isValidPhoneNumber(value)) return false;
  if (knownValidE164.size >= KNOWN_VALID_LIMIT) {
    const oldest = knownValidE164.keys().next();
    if (!oldest.done) knownValidE164.delete(oldest.value);
  }
  knownValidE164.set(value, true);
  return true;
}

/** A phone number already normalised to E.164, as it travels between till, POS and server. */
export const E164Schema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, { message: 'Phone must be in E.164 form, such as +14155550123.' })
  .refine(isExistingE164, { message: 'That phone number does not exist.' });

/** Shows at most the last four digits, for a screen other customers can see. */
export function maskPhone(e164: string): string {
  return `••• ${e164.slice(-4)}`;
}

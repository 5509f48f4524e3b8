import { z } from 'zod';
import { isSupportedCountry, isValidPhoneNumber } from 'libphonenumber-js/max';

/**
 * Phone numbers are the customer's key, so every till and the server must turn the many ways a
 * person types one ("020 7946 0018", "+44 (0)20-7946-0018", "0044 20 7946 0018") into one E.164
 * string. Lookups failing on formatting is the most reported bug in the loyalty systems we replace.
 * The "max" metadata is used because it knows which number ranges really exist, so a typo that
 * only has the right length is still refused instead of creating an account nobody owns.
 * Reading typed numbers lives in ./phone-number (no zod, for the screens); the schemas live here.
 */
export { maskPhone, normalizePhone, type PhoneProblem, type PhoneResult } from './phone-number';

export const CountryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'Country must be a two-letter ISO 3166 code such as US or GB.' })
  .refine((code) => isSupportedCountry(code), { message: 'Country is not a known ISO 3166 code.' });

// Every event re-checks its phone number against the metadata, which costs 10–20 microseconds a
// number; the same customers come back all day, so valid answers are kept, least recently used
// dropped first. A till sees a few thousand numbers; the server sees every store's customers (the
// load benchmark's 25 stores push about 26,000 distinct numbers), hence room for 100,000: about
// 10 MB when full, and only the server ever fills it.
const knownValidE164 = new Map<string, true>();
const KNOWN_VALID_LIMIT = 100_000;

/** True when the E.164 number is in a range that exists (libphonenumber's "max" metadata). */
export function isExistingE164(value: string): boolean {
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

export const PHONE_DOES_NOT_EXIST = 'That phone number does not exist.';

/**
 * The E.164 form alone: a plus, a country code and up to 15 digits. For the server's push body,
 * whose numbers are nearly all of customers it already has: it checks that a number exists only
 * when it is about to create a customer for it (modules/ledger.ts). Everywhere else, E164Schema.
 */
export const E164FormSchema = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, { message: 'Phone must be in E.164 form, such as +14155550123.' });

/** A phone number already normalised to E.164, as it travels between till, POS and server. */
export const E164Schema = E164FormSchema.refine(isExistingE164, { message: PHONE_DOES_NOT_EXIST });

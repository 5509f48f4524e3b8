import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';

/**
 * Reading a phone number as a person typed it, without zod, so the customer screen can check a
 * number as it is typed without carrying the contract's schemas (src/shared/phone.ts re-exports
 * all of this). `problem` names why a number was refused, for screens that say it in another
 * language; `reason` says it in English.
 */

export type PhoneProblem =
  | 'empty'
  | 'characters'
  | 'input_too_long'
  | 'misplaced_plus'
  | 'store_country'
  | 'extension'
  | 'does_not_exist'
  | 'too_short'
  | 'too_long'
  | 'invalid_country_code'
  | 'not_a_number';

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string; problem: PhoneProblem };

/** Characters a person may type around the digits; anything else (letters, emoji) is refused. */
const ALLOWED_CHARACTERS = /^[0-9\s\-().+/]*$/;
const MAX_INPUT_LENGTH = 32;

const reasons: Record<PhoneProblem, string> = {
  empty: 'Enter a phone number.',
  characters: 'Use digits only; spaces, dashes, brackets and a leading + are fine.',
  input_too_long: 'That is too long to be a phone number.',
  misplaced_plus: 'A + may only come at the start of the number.',
  store_country: "The store's country is not set correctly.",
  extension: 'Leave out the extension.',
  does_not_exist: 'That number does not exist; please check the digits.',
  too_short: 'That number has too few digits.',
  too_long: 'That number has too many digits.',
  invalid_country_code: 'That country calling code does not exist.',
  not_a_number: 'That is not a phone number.',
};

function refuse(problem: PhoneProblem, reason = reasons[problem]): PhoneResult {
  return { ok: false, reason, problem };
}

export function normalizePhone(input: string, defaultCountry: string): PhoneResult {
  const text = input.trim();
  if (text.length === 0) return refuse('empty');
  if (!ALLOWED_CHARACTERS.test(text)) return refuse('characters');
  if (text.length > MAX_INPUT_LENGTH) return refuse('input_too_long');
  if (text.lastIndexOf('+') > 0) return refuse('misplaced_plus');
  if (!isSupportedCountry(defaultCountry)) {
    return refuse('store_country', `The store's country (${defaultCountry}) is not set correctly.`);
  }
  const country = defaultCountry as CountryCode;

  try {
    const parsed = parsePhoneNumberWithError(text, country);
    if (parsed.ext) return refuse('extension');
    if (parsed.isValid()) return { ok: true, e164: parsed.number };
  } catch {
    // Explained below.
  }
  return refuse(whyNotValid(text, country));
}

/** The reason a number was refused, worked out only on the (rare) failure path. */
function whyNotValid(text: string, country: CountryCode): PhoneProblem {
  switch (validatePhoneNumberLength(text, country)) {
    case undefined:
      return 'does_not_exist';
    case 'TOO_SHORT':
      return 'too_short';
    case 'TOO_LONG':
      return 'too_long';
    case 'INVALID_COUNTRY':
      return 'invalid_country_code';
    default:
      return 'not_a_number';
  }
}

/** Shows at most the last four digits, for a screen other customers can see. */
export function maskPhone(e164: string): string {
  return `••• ${e164.slice(-4)}`;
}

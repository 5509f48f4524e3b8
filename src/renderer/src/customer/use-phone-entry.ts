import { useMemo, useState } from 'react';
import { AsYouType, type CountryCode } from 'libphonenumber-js/max';
import { normalizePhone, type PhoneProblem } from '../../../shared/phone-number';

/** More digits than any phone number has (E.164 allows 15). */
export const MAX_DIGITS = 15;

export interface PhoneEntry {
  digits: string;
  /** The digits as the store's country writes them, formatted while typed. */
  formatted: string;
  /** The number in E.164 when it is a valid number of the store's country; null otherwise. */
  e164: string | null;
  /** Why the number is not valid, once that is worth saying (not while it is merely short). */
  problem: Exclude<PhoneProblem, 'empty' | 'too_short'> | null;
  append(digit: string): void;
  removeLast(): void;
  /** Takes whatever was typed or pasted into the field, keeping the digits. */
  replace(text: string): void;
  clear(): void;
}

function format(digits: string, country: string): string {
  if (digits === '') return '';
  try {
    return new AsYouType(country as CountryCode).input(digits);
  } catch {
    return digits;
  }
}

export function usePhoneEntry(country: string, initial = ''): PhoneEntry {
  const [digits, setDigits] = useState(initial);

  return useMemo(() => {
    const checked = digits === '' ? null : normalizePhone(digits, country);
    const problem =
      checked && !checked.ok && checked.problem !== 'empty' && checked.problem !== 'too_short'
        ? checked.problem
        : null;
    return {
      digits,
      formatted: format(digits, country),
      e164: checked?.ok ? checked.e164 : null,
      problem,
      append: (digit: string) => setDigits((now) => (now.length >= MAX_DIGITS ? now : now + digit)),
      removeLast: () => setDigits((now) => now.slice(0, -1)),
      replace: (text: string) => setDigits(text.replace(/\D/g, '').slice(0, MAX_DIGITS)),
      clear: () => setDigits(''),
    };
  }, [digits, country]);
}

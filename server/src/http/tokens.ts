import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Secrets: device tokens (32 random bytes, base64url, with a readable prefix so a leaked one is easy
 * to recognise in a log or a repository) and enrolment codes (60 bits in Crockford base32, easy to
 * type on a till). The server stores only SHA-256 hashes and compares in constant time.
 */

export const DEVICE_TOKEN_PREFIX = 'lkd_';

export function newDeviceToken(): string {
  return DEVICE_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time equality of two hashes (or any two buffers of possibly different length). */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads "Authorization: Bearer <token>"; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(header.trim());
  return match?.[1];
}

// Crockford base32: no I, L, O or U, so nothing is mistaken for 1, 0 or a rude word.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newEnrollmentCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += CROCKFORD[randomInt(32)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** The form a code is hashed in: upper case, no dashes or spaces, O→0 and I/L→1 as Crockford says. */
export function normalizeEnrollmentCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

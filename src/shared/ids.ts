import { z } from 'zod';

/**
 * Event ids are UUIDv7, made on the till before anything is sent, so every retry carries the same id
 * and the server can drop duplicates. Version 7 sorts by creation time, which keeps index inserts
 * at the right-hand end of the B-tree.
 */
export const UuidV7Schema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, {
    message: 'Id must be a lower-case UUID version 7.',
  });

/** Device ids are made once per till at first start (UUIDv7 too, but any UUID is accepted). */
export const DeviceIdSchema = z.uuid({ message: 'Device id must be a UUID.' });

/**
 * Receipt ids come from the POS, so they are whatever its vendor uses; we only keep them short and
 * printable so they are safe to log, show and put in a URL.
 */
export const ReceiptIdSchema = z
  .string()
  .min(1, { message: 'Receipt id cannot be empty.' })
  .max(64, { message: 'Receipt id cannot be longer than 64 characters.' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:\-/#]*$/, {
    message: 'Receipt id may use letters, digits and . _ : - / # only.',
  });

/** Short human text (a name, a reason): bounded so a 10 kB paste is refused, not stored. */
export function shortText(label: string, max: number) {
  return z
    .string()
    .trim()
    .min(1, { message: `${label} cannot be empty.` })
    .max(max, { message: `${label} cannot be longer than ${max} characters.` })
    .refine((value) => !/\p{Cc}/u.test(value), { message: `${label} cannot contain control characters.` });
}

export const StaffIdSchema = shortText('Staff id', 64);

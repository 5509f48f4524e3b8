import { z } from 'zod';
import { LedgerEventFormSchema, LedgerEventSchema } from './events';
import { DeviceIdSchema, shortText } from './ids';
import { E164Schema } from './phone';
import { ProgramSchema } from './program';
import { StoreSettingsSchema } from './store';
import { InstantSchema } from './time';

/**
 * The sync wire between a till and the central server (API v1): device registration, push of the
 * outbox, pull of confirmed balances and program settings, and the online customer look-up.
 * Both sides parse with these schemas: the server at its HTTP boundary, the till's sync engine on
 * every reply, so neither trusts the other's bytes. zod only: this file runs in Node and Chromium.
 */

/** The most events one push may carry. A till with a longer outbox pushes several batches. */
export const MAX_PUSH_EVENTS = 500;
/** Bodies above this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 1_048_576;
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 1000;

export const StoreIdSchema = z.uuid({ message: 'Store id must be a UUID.' });
export const CustomerIdSchema = z.uuid({ message: 'Customer id must be a UUID.' });

// ---------------------------------------------------------------------------------------------
// Errors

/** Every non-2xx answer of the server has this body. `code` is the contract, `message` is prose. */
export const apiErrorCodes = [
  'invalid_input',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'seq_gap',
  'invalid_enrollment_code',
  'rate_limited',
  'admin_disabled',
  'unavailable',
  'internal',
] as const;
export const ApiErrorCodeSchema = z.enum(apiErrorCodes);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorSchema = z.object({
  error: z.object({
    code: ApiErrorCodeSchema,
    message: z.string(),
    /** The input field the error is about, as a dotted path ("events.3.payload.points"). */
    field: z.string().optional(),
    /** Every problem found, when the input had more than one. */
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

// ---------------------------------------------------------------------------------------------
// Device registration

/** How an enrolment code is shown to people: 12 characters of Crockford base32 in three groups. */
export const EnrollmentCodeSchema = z
  .string()
  .trim()
  .min(1, { message: 'Enrolment code cannot be empty.' })
  .max(32, { message: 'Enrolment code cannot be longer than 32 characters.' })
  .regex(/^[0-9A-Za-z\- ]+$/, { message: 'Enrolment code may use letters, digits and dashes only.' });

export const DeviceNameSchema = shortText('Device name', 64);

export const RegisterRequestSchema = z.strictObject({
  enrollmentCode: EnrollmentCodeSchema,
  name: DeviceNameSchema,
  /**
   * The till's own device id, made at its first start, so events written before enrolment keep
   * their id. When absent the server chooses one.
   */
  deviceId: DeviceIdSchema.optional(),
});
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

export const StoreInfoSchema = StoreSettingsSchema.extend({
  storeId: StoreIdSchema,
  name: z.string(),
});
export type StoreInfo = z.infer<typeof StoreInfoSchema>;

export const RegisterResponseSchema = z.object({
  deviceId: DeviceIdSchema,
  storeId: StoreIdSchema,
  /** The device's bearer token. Shown once: the server keeps only its hash. */
  token: z.string().min(32),
  store: StoreInfoSchema,
});
export type RegisterResponse = z.infer<typeof RegisterResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Push

function pushRequestSchema(eventSchema: typeof LedgerEventSchema) {
  return z
    .strictObject({
      /** The store the till was enrolled in; a device acts only for its own store. */
      storeId: StoreIdSchema,
      deviceId: DeviceIdSchema,
      /** The till's clock when it sent the batch: the server measures clock skew from it. */
      sentAt: InstantSchema,
      /** Consecutive `seq` numbers, lowest first. May be empty: the reply still tells `lastSeq`. */
      events: z
        .array(eventSchema)
        .max(MAX_PUSH_EVENTS, { message: `A push may carry at most ${MAX_PUSH_EVENTS} events.` }),
    })
    .superRefine((request, ctx) => {
      const first = request.events[0];
      request.events.forEach((event, index) => {
        if (event.deviceId !== request.deviceId) {
          ctx.addIssue({
            code: 'custom',
            path: ['events', index, 'deviceId'],
            message: "Every event's device id must be the pushing device's id.",
          });
        }
        if (first && event.seq !== first.seq + index) {
          ctx.addIssue({
            code: 'custom',
            path: ['events', index, 'seq'],
            message: `Events must have consecutive seq numbers in order: expected ${first.seq + index}.`,
          });
        }
      });
    });
}

export const PushRequestSchema = pushRequestSchema(LedgerEventSchema);

/**
 * What the server's push route parses: phones in E.164 form, their existence checked by the push
 * itself for numbers that are not customers yet (modules/ledger.ts), since nearly all are.
 */
export const PushRequestFormSchema = pushRequestSchema(LedgerEventFormSchema);

export type PushRequest = z.infer<typeof PushRequestSchema>;

/** Why the server refused an event. A rejection is final: the device moves past it. */
export const rejectionReasons = [
  /** The id was already used for an event with a different body. */
  'conflict',
  /** This seq was already used by this device for a different event. */
  'seq_reused',
  /** The receipt has already earned points in this store. */
  'already_checked_in',
] as const;
export const RejectionReasonSchema = z.enum(rejectionReasons);
export type RejectionReason = z.infer<typeof RejectionReasonSchema>;

export const EventResultSchema = z.discriminatedUnion('status', [
  z.object({ id: z.string(), seq: z.number().int(), status: z.literal('accepted') }),
  /** Already stored by an earlier push (a retry): nothing changed. */
  z.object({ id: z.string(), seq: z.number().int(), status: z.literal('duplicate') }),
  z.object({
    id: z.string(),
    seq: z.number().int(),
    status: z.literal('rejected'),
    reason: RejectionReasonSchema,
    message: z.string(),
  }),
]);
export type EventResult = z.infer<typeof EventResultSchema>;

/** A customer's balance as the server has it: the till's "confirmed" balance. */
export const ConfirmedBalanceSchema = z.object({
  customerId: CustomerIdSchema,
  phone: E164Schema,
  /** Points; negative when honoured offline redemptions overdrew the account. */
  balance: z.number().int(),
  overdrawn: z.boolean(),
  /** The server sequence of the last change to this customer (compare with pull cursors). */
  serverSeq: z.number().int(),
});
export type ConfirmedBalance = z.infer<typeof ConfirmedBalanceSchema>;

export const PushResponseSchema = z.object({
  /** The device's last applied seq after this push: the till may drop outbox rows up to it. */
  lastSeq: z.number().int().min(0),
  /** One result per event of the request, in the same order. */
  results: z.array(EventResultSchema),
  balances: z.array(ConfirmedBalanceSchema),
  serverTime: z.iso.datetime({ offset: true }),
  /** Till clock minus server clock, in milliseconds, measured from `sentAt`. */
  clockSkewMs: z.number().int(),
  /** True when the skew is beyond the server's tolerance (logged and flagged; never blocks). */
  clockSkewFlagged: z.boolean(),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

/** 409 answer when the batch starts after the next seq the server expects (the till lost a batch). */
export const SeqGapResponseSchema = ApiErrorSchema.extend({
  expectedSeq: z.number().int().min(1),
  lastSeq: z.number().int().min(0),
});
export type SeqGapResponse = z.infer<typeof SeqGapResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Pull

export const PullCursorSchema = z
  .string()
  .min(1, { message: 'Cursor cannot be empty.' })
  .max(200, { message: 'Cursor cannot be longer than 200 characters.' });

export const PullQuerySchema = z.strictObject({
  /** The cursor of the last page saved; absent for a first pull or a re-snapshot. */
  cursor: PullCursorSchema.optional(),
  limit: z.coerce
    .number({ message: 'Limit must be a number.' })
    .int({ message: 'Limit must be a whole number.' })
    .min(1, { message: 'Limit must be at least 1.' })
    .max(MAX_PULL_LIMIT, { message: `Limit cannot exceed ${MAX_PULL_LIMIT}.` })
    .default(DEFAULT_PULL_LIMIT),
  /** Optional: the store the till believes it belongs to; a mismatch answers 403. */
  storeId: StoreIdSchema.optional(),
});
export type PullQuery = z.infer<typeof PullQuerySchema>;

/**
 * One change, newest state only: a page never carries two changes for the same thing, and a
 * snapshot (pull with no cursor) is simply every current value.
 */
export const PullChangeSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('store'),
    serverSeq: z.number().int(),
    store: StoreInfoSchema,
  }),
  z.object({
    type: z.literal('program'),
    serverSeq: z.number().int(),
    /** Program settings and rewards. */
    program: ProgramSchema,
  }),
  z.object({
    type: z.literal('customer'),
    serverSeq: z.number().int(),
    customerId: CustomerIdSchema,
    phone: E164Schema,
    firstName: z.string().nullable(),
    enrolled: z.boolean(),
    balance: z.number().int(),
    overdrawn: z.boolean(),
  }),
  /** The customer's personal data was erased: forget the phone and name kept for this id. */
  z.object({
    type: z.literal('customer.erased'),
    serverSeq: z.number().int(),
    customerId: CustomerIdSchema,
  }),
]);
export type PullChange = z.infer<typeof PullChangeSchema>;

export const PullResponseSchema = z.object({
  changes: z.array(PullChangeSchema),
  /** Save it with the page, in one local transaction, and send it on the next pull. */
  cursor: z.string().nullable(),
  /** No more changes after this page (for now). */
  upToDate: z.boolean(),
  /**
   * The cursor is unknown, from another store or from the future (a server restored from backup):
   * drop the confirmed data and pull again with no cursor. `changes` is empty.
   */
  resetRequired: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Online customer look-up

export const CustomerLookupResponseSchema = z.object({
  customerId: CustomerIdSchema,
  phone: E164Schema,
  /** At most the first letter of the name, for a screen other customers can see. */
  maskedName: z.string().nullable(),
  enrolled: z.boolean(),
  balance: z.number().int(),
  overdrawn: z.boolean(),
});
export type CustomerLookupResponse = z.infer<typeof CustomerLookupResponseSchema>;

// ---------------------------------------------------------------------------------------------
// The store's open flags, for the till's manager

export const SyncFlagKindSchema = z.enum(['overdrawn', 'rule_mismatch', 'clock_skew']);

/** One open flag of the device's store; the customer's phone masked to its last four digits. */
export const SyncFlagSchema = z.object({
  id: z.string(),
  kind: SyncFlagKindSchema,
  /** null when the flag is not about a customer, or the customer was erased. */
  maskedPhone: z.string().nullable(),
  /** The device the flag came from (null: none). */
  deviceId: z.string().nullable(),
  /** The flag's facts as the server recorded them (balances, skews, rule versions). */
  detail: z.record(z.string(), z.unknown()),
  raisedAt: z.string(),
  updatedAt: z.string(),
});
export type SyncFlag = z.infer<typeof SyncFlagSchema>;

export const SyncFlagsResponseSchema = z.object({ flags: z.array(SyncFlagSchema) });
export type SyncFlagsResponse = z.infer<typeof SyncFlagsResponseSchema>;

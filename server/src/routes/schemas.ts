import { z } from 'zod';
import { shortText } from '../../../src/shared/ids';
import { CurrencySchema } from '../../../src/shared/money';
import { CountryCodeSchema, E164Schema } from '../../../src/shared/phone';
import { ProgramSchema } from '../../../src/shared/program';
import { BusinessDaySchema, TimeZoneSchema } from '../../../src/shared/time';
import { DeviceIdSchema } from '../../../src/shared/ids';
import { StoreIdSchema, StoreInfoSchema } from '../../../src/shared/sync';

/** Schemas of the admin and report API (operators and back-office tools, not tills). */

export const CreateStoreRequestSchema = z.strictObject({
  name: shortText('Store name', 80),
  country: CountryCodeSchema,
  currency: CurrencySchema,
  timeZone: TimeZoneSchema,
  /** The program the store starts with; the default program when absent. */
  program: ProgramSchema.optional(),
});

export const StoreResponseSchema = StoreInfoSchema.extend({
  programVersion: z.number().int(),
  createdAt: z.string(),
});

export const StoreParamsSchema = z.strictObject({ storeId: StoreIdSchema });
export const DeviceParamsSchema = z.strictObject({ deviceId: DeviceIdSchema });
export const PhoneParamsSchema = z.strictObject({ phone: E164Schema });

export const CreateEnrollmentCodeRequestSchema = z
  .strictObject({
    /** How long the code stays valid; a day unless said otherwise, a month at most. */
    ttlHours: z.number().int().min(1).max(720).default(24),
  })
  .default({ ttlHours: 24 });

export const EnrollmentCodeResponseSchema = z.object({
  /** Shown once: the server keeps only its hash. */
  code: z.string(),
  storeId: StoreIdSchema,
  expiresAt: z.string(),
});

export const DeviceResponseSchema = z.object({
  deviceId: DeviceIdSchema,
  storeId: StoreIdSchema,
  name: z.string(),
  lastSeq: z.number().int(),
  lastSeenAt: z.string().nullable(),
  clockSkewMs: z.number().int().nullable(),
  registeredAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const VoidEventParamsSchema = z.strictObject({
  deviceId: DeviceIdSchema,
  seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

export const VoidEventRequestSchema = z.strictObject({
  /** Why support voids it (a ticket number, what was wrong): kept with the row and told to the till. */
  note: shortText('Note', 200),
});

export const VoidEventResponseSchema = z.object({
  deviceId: DeviceIdSchema,
  seq: z.number().int(),
  lastSeq: z.number().int(),
  voidedAt: z.string(),
  message: z.string(),
});

export const DevicesQuerySchema = z.strictObject({ storeId: StoreIdSchema.optional() });

export const FlagKindSchema = z.enum(['overdrawn', 'rule_mismatch', 'clock_skew']);

export const FlagsQuerySchema = z.strictObject({
  kind: FlagKindSchema.optional(),
  storeId: StoreIdSchema.optional(),
  /** true: open flags only; false: resolved only; absent: both. */
  open: z
    .enum(['true', 'false'], { message: 'open must be true or false.' })
    .transform((value) => value === 'true')
    .optional(),
  /** Paging: flags with an id below this one (newest first). */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const FlagSchema = z.object({
  id: z.number().int(),
  kind: FlagKindSchema,
  storeId: z.string().nullable(),
  deviceId: z.string().nullable(),
  customerId: z.string().nullable(),
  eventId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
});

export const FlagsResponseSchema = z.object({
  flags: z.array(FlagSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: z.number().int().nullable(),
});

export const EraseResponseSchema = z.object({
  customerId: z.string(),
  erasedAt: z.string(),
  eventsScrubbed: z.number().int(),
});

export const ReportQuerySchema = z.strictObject({
  storeId: StoreIdSchema,
  date: BusinessDaySchema,
});

const DayTotalsSchema = z.object({
  checkIns: z.number().int(),
  enrolments: z.number().int(),
  pointsIssued: z.number().int(),
  pointsRedeemed: z.number().int(),
  pointsReversed: z.number().int(),
  pointsRestored: z.number().int(),
  pointsAdjusted: z.number().int(),
  events: z.number().int(),
});

export const ExpiryRunResponseSchema = z.object({
  customers: z.number().int().describe('Customers who had points expire (one points.expired event each)'),
  points: z.number().int().describe('Points expired in this run'),
  checked: z.number().int().describe('Customers whose events were replayed'),
  mismatched: z
    .array(z.string())
    .describe('Customers skipped because their events do not sum to their balance (investigate)'),
  startedAt: z.string(),
  finishedAt: z.string(),
});

export const DailyReportSchema = z.object({
  storeId: z.string(),
  storeName: z.string(),
  date: z.string(),
  totals: DayTotalsSchema,
  outstandingPoints: z.number().int(),
  pointsExpired: z.number().int(),
  flags: z.object({
    overdrawn: z.number().int(),
    rule_mismatch: z.number().int(),
    clock_skew: z.number().int(),
  }),
  tills: z.array(
    z.object({
      deviceId: z.string(),
      server: DayTotalsSchema,
      till: DayTotalsSchema.nullable(),
      differences: z.array(z.string()),
    }),
  ),
});

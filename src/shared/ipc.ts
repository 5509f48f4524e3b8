import { z } from 'zod';
import { errorCodes, type ErrorCode } from './errors';
import { ConsentSchema, FirstNameSchema, LedgerEventSchema } from './events';
import { DeviceIdSchema, ReceiptIdSchema, StaffIdSchema, shortText } from './ids';
import { MoneySchema } from './money';
import { PendingSaleSchema } from './pos';
import { ProgramSchema, RewardIdSchema, RewardSchema } from './program';
import { RefundLinesSchema, SaleSchema } from './sale';
import { StoreSettingsSchema } from './store';
import { DeviceNameSchema, EnrollmentCodeSchema, StoreIdSchema } from './sync';
import { BusinessDaySchema } from './time';

/**
 * The kiosk's IPC contract: every operation the renderer may ask of main, defined once. The
 * Electron router (src/main/ipc) and the browser host (src/main/browser-host) parse input and
 * output with these schemas; the preload exposes one function per entry, named by `method`, and
 * its type is checked against this file. Channels are named `domain:verb`.
 *
 * Every answer is `{ ok: true, value }` or `{ ok: false, code, message, field? }`: a refusal is a
 * value, never a thrown error, so the renderer can show `message` to a person as it is.
 */

export const BRIDGE_VERSION = 3;

// ---------------------------------------------------------------------------------------------
// Errors beyond the ledger's own (src/shared/errors.ts)

export const shellErrorCodes = {
  forbidden: 'This request did not come from the kiosk screen.',
  unauthorized: 'The request carried no valid kiosk token.',
  unknown_channel: 'There is no such kiosk operation.',
  internal: 'The kiosk could not finish that; it has been logged. Please try again.',
  store_managed_by_server: "This kiosk is paired: its store settings come from the chain's server.",
  already_paired: 'This kiosk is already paired with a server.',
  pairing_failed: 'The server refused the enrolment code.',
  server_unreachable: 'The server could not be reached. Check the address and the network.',
} as const;
export type ShellErrorCode = keyof typeof shellErrorCodes;
export type IpcErrorCode = ErrorCode | ShellErrorCode;

/** A refusal of the shell itself (not the ledger's), with a code from shellErrorCodes. */
export class ShellError extends Error {
  readonly code: ShellErrorCode;
  readonly field: string | undefined;
  constructor(code: ShellErrorCode, detail?: string, field?: string) {
    super(detail ?? shellErrorCodes[code]);
    this.name = 'ShellError';
    this.code = code;
    this.field = field;
  }
}

export const IpcErrorCodeSchema = z.enum([
  ...(Object.keys(errorCodes) as ErrorCode[]),
  ...(Object.keys(shellErrorCodes) as ShellErrorCode[]),
]);

export type IpcFailure = { ok: false; code: IpcErrorCode; message: string; field?: string };
export type IpcResult<T> = { ok: true; value: T } | IpcFailure;

export function ipcResultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), value }),
    z.strictObject({
      ok: z.literal(false),
      code: IpcErrorCodeSchema,
      message: z.string(),
      field: z.string().optional(),
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Shapes the ledger answers with. Plain (not strict) objects: a field the ledger adds later is
// dropped on the way out until the contract names it, instead of failing every call.

/** A phone number as a person typed it; main normalises it with the store's country. */
const PhoneInputSchema = z.string({ message: 'Enter the number as text.' }).max(64);

const RewardProgressSchema = z.object({
  nextReward: z.object({ id: z.string(), name: z.string(), pointsCost: z.number().int() }).nullable(),
  pointsToNext: z.number().int().min(0),
  fraction: z.number().min(0).max(1),
});

export const BalanceViewSchema = z.object({
  phone: z.string(),
  firstName: z.string().nullable(),
  confirmed: z.number().int(),
  provisional: z.number().int(),
  progress: RewardProgressSchema,
});

/** One line of why a check-in earned what it did: `label` for the customer, `detail` for the cashier. */
const EarnLineSchema = z.object({
  kind: z.string(),
  label: z.string(),
  detail: z.string(),
  points: z.number().int(),
});

export const CheckInResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('checked_in'),
    eventId: z.string(),
    receiptId: z.string().nullable(),
    pointsEarned: z.number().int().min(0),
    lines: z.array(EarnLineSchema),
    /** The tier after this check-in and whether it just went up (programs with tiers). */
    tier: z.object({ id: z.string(), name: z.string() }).nullable(),
    tierChanged: z.boolean(),
    /** When these points expire; null: never. */
    expiresOn: z.string().nullable(),
    balance: BalanceViewSchema,
  }),
  /** Too soon after the last check-in, or too many today; nothing was written. */
  z.object({
    status: z.literal('not_allowed'),
    reason: z.enum(['cooldown', 'daily_limit']),
    message: z.string(),
    retryAt: z.string(),
  }),
  z.object({ status: z.literal('already_checked_in'), receiptId: z.string() }),
]);

export const DayTotalsSchema = z.object({
  businessDay: BusinessDaySchema,
  checkIns: z.number().int().min(0),
  enrolments: z.number().int().min(0),
  pointsEarned: z.number().int().min(0),
  pointsRedeemed: z.number().int().min(0),
  pointsReversed: z.number().int().min(0),
  /** Points spent on rewards that refunds gave back. */
  pointsRestored: z.number().int().min(0),
  pointsAdjusted: z.number().int(),
  eventCount: z.number().int().min(0),
  unsyncedEvents: z.number().int().min(0),
});

export const PairingViewSchema = z.discriminatedUnion('paired', [
  z.strictObject({ paired: z.literal(false) }),
  z.strictObject({
    paired: z.literal(true),
    serverUrl: z.string(),
    storeId: StoreIdSchema,
    storeName: z.string(),
    pairedAt: z.string(),
  }),
]);

/** The sync engine's state for the manager (src/main/sync/engine.ts SyncStatus), token-free. */
export const SyncStatusViewSchema = z.strictObject({
  /** The engine's loop runs (it always does while the kiosk runs). */
  running: z.boolean(),
  /** A push or pull is under way. */
  syncing: z.boolean(),
  /** The last request reached the server. */
  online: z.boolean(),
  /** Events written on this till that the server has not settled yet. */
  pendingEvents: z.number().int().min(0),
  lastPushAt: z.string().nullable(),
  lastPullAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  /** What went wrong last, in plain words; null after a clean cycle. */
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  /** Till clock minus server clock, ms (positive: the till is ahead); null until measured. */
  clockSkewMs: z.number().nullable(),
  clockSkewFlagged: z.boolean(),
  /** The server refused this till's token: the manager must pair it again. */
  pairingProblem: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  /** Business days closed on this till whose close the server has not confirmed yet. */
  unsyncedDayCloses: z.array(BusinessDaySchema),
  /** One sentence for the manager: in sync, waiting, offline and why, or not paired. */
  note: z.string(),
});
export type SyncStatusView = z.infer<typeof SyncStatusViewSchema>;

export const KioskStatusSchema = z.strictObject({
  app: z.strictObject({ version: z.string(), host: z.enum(['electron', 'browser']) }),
  deviceId: DeviceIdSchema,
  store: StoreSettingsSchema,
  /** Where the store settings came from: the server once paired, else the manager or the install. */
  storeSource: z.enum(['server', 'manager', 'environment', 'default']),
  program: ProgramSchema,
  /** Today in the store's time zone, and whether the manager has closed it. */
  businessDay: BusinessDaySchema,
  dayClosed: z.boolean(),
  ledger: z.strictObject({
    healthy: z.boolean(),
    /** What the integrity check found at start-up; empty when healthy. */
    problems: z.array(z.string()),
    checkedAt: z.string(),
    /** Events written here that the server has not settled yet. */
    pendingEvents: z.number().int().min(0),
  }),
  pairing: PairingViewSchema,
  /** Why the last pairing attempt failed, for the manager; null when none failed. */
  pairingError: z.string().nullable(),
  sync: SyncStatusViewSchema,
  /** The POS link for the manager: where it listens and which token it takes (its last 4 characters). */
  pos: z
    .strictObject({
      enabled: z.boolean(),
      url: z.string().nullable(),
      error: z.string().nullable(),
      tokenSource: z.enum(['environment', 'file']).nullable(),
      /** The 0600 file in the data folder that holds a generated token. */
      tokenFile: z.string().nullable(),
      tokenHint: z.string().nullable(),
    })
    .optional(),
});
export type KioskStatus = z.infer<typeof KioskStatusSchema>;

/** Points a day's events add up to, on the server's side of the end-of-day check. */
const ServerDayTotalsSchema = z.object({
  checkIns: z.number().int(),
  enrolments: z.number().int(),
  pointsEarned: z.number().int(),
  pointsRedeemed: z.number().int(),
  pointsReversed: z.number().int(),
  pointsAdjusted: z.number().int(),
  eventCount: z.number().int(),
});

/** The end-of-day Z-report (src/main/sync/day-close.ts), made online or offline. */
export const ZReportSchema = z.object({
  businessDay: BusinessDaySchema,
  deviceId: z.string(),
  closedAt: z.string(),
  closeEventId: z.string(),
  /** The till's totals for the day. */
  till: DayTotalsSchema,
  /** The server's totals over the same events; null when it was not asked (offline). */
  server: ServerDayTotalsSchema.nullable(),
  matches: z.boolean().nullable(),
  differences: z.array(z.object({ field: z.string(), till: z.number(), server: z.number() })),
  refusedEvents: z.array(
    z.object({ seq: z.number().int(), id: z.string(), type: z.string(), reason: z.string() }),
  ),
  restoredToServer: z.number().int().min(0),
  checksum: z.string(),
  /** The server has the close and the check ran; false: closed on this till only. */
  synced: z.boolean(),
  checkedAt: z.string().nullable(),
  overdrawnCustomers: z.number().int().min(0),
  /** What the manager should know, in plain words. */
  message: z.string(),
});

/** A customer looked up at the counter: the server's balance when online, this till's otherwise. */
export const CustomerLookupSchema = z.object({
  phone: z.string(),
  source: z.enum(['server', 'local']),
  known: z.boolean(),
  enrolled: z.boolean(),
  /** The first letter of the name only: the screen faces the public. */
  maskedName: z.string().nullable(),
  confirmed: z.number().int(),
  provisional: z.number().int(),
  overdrawn: z.boolean(),
});

// ---------------------------------------------------------------------------------------------
// The channels

function channel<M extends string, I extends z.ZodType, O extends z.ZodType>(method: M, input: I, output: O) {
  return { method, input, output } as const;
}

export const ipcContract = {
  'kiosk:status': channel('status', z.undefined(), KioskStatusSchema),
  'customer:enroll': channel(
    'enroll',
    z.strictObject({
      phone: PhoneInputSchema,
      consent: ConsentSchema,
      firstName: FirstNameSchema.nullable().optional(),
    }),
    z.object({ eventId: z.string(), balance: BalanceViewSchema }),
  ),
  'consent:change': channel(
    'changeConsent',
    z.strictObject({ phone: PhoneInputSchema, sms: z.boolean() }),
    z.object({ eventId: z.string() }),
  ),
  'checkin:create': channel(
    'checkIn',
    z.strictObject({ phone: PhoneInputSchema, sale: SaleSchema.nullable().optional() }),
    CheckInResultSchema,
  ),
  'reward:redeem': channel(
    'redeem',
    z.strictObject({
      phone: PhoneInputSchema,
      rewardId: RewardIdSchema,
      receiptId: ReceiptIdSchema.nullable().optional(),
    }),
    z.object({
      eventId: z.string(),
      reward: RewardSchema,
      pointsSpent: z.number().int().min(1),
      balance: BalanceViewSchema,
    }),
  ),
  'sale:refund': channel(
    'refund',
    z
      .strictObject({
        receiptId: ReceiptIdSchema,
        /** Refund this much of the sale; the whole rest when neither amount nor lines is given. */
        amount: MoneySchema.nullable().optional(),
        /** Or refund line by line: the sale line's index and how many of it came back. */
        lines: RefundLinesSchema.optional(),
      })
      .refine((refund) => !(refund.amount && refund.lines), {
        message: 'Refund by amount or by lines, not both.',
        path: ['lines'],
      }),
    z.object({
      eventId: z.string(),
      receiptId: z.string(),
      refunded: MoneySchema,
      pointsReversed: z.number().int().min(0),
      /** Points spent on rewards for this receipt, given back by this refund. */
      pointsRestored: z.number().int().min(0),
      refundableLeft: z.number().int().min(0),
      balance: BalanceViewSchema,
    }),
  ),
  'points:adjust': channel(
    'adjustPoints',
    z.strictObject({
      phone: PhoneInputSchema,
      points: z.number().int(),
      reason: shortText('Reason', 200),
      staffId: StaffIdSchema,
    }),
    z.object({ eventId: z.string(), balance: BalanceViewSchema }),
  ),
  'balance:get': channel('balance', z.strictObject({ phone: PhoneInputSchema }), BalanceViewSchema),
  'history:list': channel(
    'history',
    z.strictObject({
      phone: PhoneInputSchema,
      limit: z.number().int().min(1).max(500).optional(),
      beforeSeq: z.number().int().min(1).optional(),
    }),
    z.object({
      events: z.array(LedgerEventSchema),
      /** Pass as beforeSeq for the next (older) page; null on the last page. */
      nextBeforeSeq: z.number().int().nullable(),
    }),
  ),
  'day:totals': channel(
    'dayTotals',
    z.strictObject({ businessDay: BusinessDaySchema.optional() }).optional(),
    DayTotalsSchema,
  ),
  'day:close': channel(
    'closeDay',
    z.strictObject({ businessDay: BusinessDaySchema.optional() }).optional(),
    ZReportSchema,
  ),
  'sync:now': channel('syncNow', z.undefined(), SyncStatusViewSchema),
  'customer:lookup': channel(
    'lookupCustomer',
    z.strictObject({ phone: PhoneInputSchema }),
    CustomerLookupSchema,
  ),
  'store:update': channel('updateStore', StoreSettingsSchema, StoreSettingsSchema),
  /** The sale the POS posted that awaits a check-in, and the points it would earn; null when none. */
  'sale:pending': channel('pendingSale', z.undefined(), PendingSaleSchema.nullable()),
  'kiosk:pair': channel(
    'pair',
    z.strictObject({
      serverUrl: z.string().max(2048),
      enrollmentCode: EnrollmentCodeSchema,
      deviceName: DeviceNameSchema,
    }),
    PairingViewSchema,
  ),
} as const;

export type IpcContract = typeof ipcContract;
export type ChannelName = keyof IpcContract;
export const CHANNELS = Object.keys(ipcContract) as ChannelName[];

/** What the renderer passes (before defaults and trimming). */
export type ChannelInput<C extends ChannelName> = z.input<IpcContract[C]['input']>;
/** What main receives after parsing. */
export type ParsedInput<C extends ChannelName> = z.output<IpcContract[C]['input']>;
/** What a handler may return (before the output schema parses it). */
export type HandlerOutput<C extends ChannelName> = z.input<IpcContract[C]['output']>;
/** What the renderer receives. */
export type ChannelOutput<C extends ChannelName> = z.output<IpcContract[C]['output']>;

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(ipcContract, name);
}

/** One function per channel: optional argument where the channel's input may be absent. */
export type BridgeFunction<C extends ChannelName> =
  undefined extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<IpcResult<ChannelOutput<C>>>
    : (input: ChannelInput<C>) => Promise<IpcResult<ChannelOutput<C>>>;

/** What window.kiosk is, in Electron (preload) and in the browser host (shim) alike. */
export type KioskBridge = { readonly bridgeVersion: typeof BRIDGE_VERSION } & {
  readonly [C in ChannelName as IpcContract[C]['method']]: BridgeFunction<C>;
};

// ---------------------------------------------------------------------------------------------
// Turning bad input into the same codes the ledger uses (src/main/ledger/input.ts)

/** The first problem of a failed parse, as the code, message and field the renderer shows. */
export function inputFailure(error: z.ZodError, prefix?: string): IpcFailure {
  const issue = error.issues[0];
  const field = [...(prefix ? [prefix] : []), ...(issue?.path ?? []).map(String)].join('.');
  const code: IpcErrorCode =
    field === 'phone' || field.endsWith('.phone')
      ? 'invalid_phone'
      : /(^|\.)currency$/.test(field)
        ? 'unknown_currency'
        : /(^|\.)amount$/.test(field)
          ? 'invalid_amount'
          : 'invalid_input';
  const message = issue ? (field ? `${issue.message} (${field})` : issue.message) : errorCodes.invalid_input;
  return { ok: false, code, message, ...(field ? { field } : {}) };
}

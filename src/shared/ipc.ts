import { z } from 'zod';
import { errorCodes, type ErrorCode } from './errors';
import type { CHANNEL_METHODS } from './ipc-methods';
import { ConsentSchema, ExplanationMessageSchema, FirstNameSchema, LedgerEventSchema } from './events';
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

export const BRIDGE_VERSION = 4;

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
  staff_required: 'A member of staff must sign in with their PIN first.',
  manager_required: 'Only a manager may do this. Sign in with a manager PIN.',
  wrong_pin: 'That PIN is not right.',
  staff_locked: 'Too many wrong PINs. Staff sign-in is locked for a few minutes.',
  manager_pin_exists: 'A manager PIN is already set. Sign in with it instead.',
  pin_in_use: 'Another member of staff already has this PIN. Choose another.',
  last_manager: 'The last manager cannot be removed: the kiosk would have nobody to close the day.',
  unknown_staff: 'There is no such member of staff.',
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
// The screens' own settings

export const LANGUAGES = ['en', 'es'] as const;
export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof LanguageSchema>;

/** A logo small enough to keep in the settings file: PNG, JPEG, WebP or SVG as a data: URL. */
export const LogoSchema = z
  .string()
  .max(400_000, { message: 'The logo must be smaller than 300 KB.' })
  .regex(/^data:image\/(png|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/]+=*$/, {
    message: 'The logo must be a PNG, JPEG, WebP or SVG image.',
  });

/** How the screens look and behave, set by the manager; kept on the till (not synced). */
export const DisplaySettingsSchema = z.strictObject({
  /** Seconds without a touch before the customer screen returns to its start and forgets the customer. */
  idleTimeoutSeconds: z.number().int().min(10).max(600),
  language: LanguageSchema,
  /** The brand colour of buttons and bars, #rrggbb; the screens pick black or white text for contrast. */
  brandColour: z.string().regex(/^#[0-9a-fA-F]{6}$/, { message: 'The colour must look like #1a6b3c.' }),
  logo: LogoSchema.nullable(),
});
export type DisplaySettings = z.infer<typeof DisplaySettingsSchema>;

export const DEFAULT_DISPLAY_SETTINGS: DisplaySettings = {
  idleTimeoutSeconds: 30,
  language: 'en',
  brandColour: '#1a5fb4',
  logo: null,
};

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
  /** The same as data, for the screens to translate (src/shared/rules/message.ts); absent for older check-ins. */
  message: ExplanationMessageSchema.optional(),
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
  /** How the screens look and behave (the manager's settings). */
  display: DisplaySettingsSchema,
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
// Staff, and the screen's own settings

export const StaffRoleSchema = z.enum(['cashier', 'manager']);
export type StaffRole = z.infer<typeof StaffRoleSchema>;

/** Digits only, so the on-screen PIN pad can type every PIN. */
export const PinSchema = z
  .string({ message: 'Enter the PIN as digits.' })
  .regex(/^[0-9]{4,8}$/, { message: 'A PIN is 4 to 8 digits.' });

export const StaffNameSchema = shortText('Name', 40);

export const StaffMemberSchema = z.strictObject({
  staffId: StaffIdSchema,
  name: z.string(),
  role: StaffRoleSchema,
  createdAt: z.string(),
});
export type StaffMember = z.infer<typeof StaffMemberSchema>;

/** Who is signed in at the staff screens; main ends it after 2 minutes without a staff call. */
export const StaffSessionSchema = z.strictObject({
  staffId: StaffIdSchema,
  name: z.string(),
  role: StaffRoleSchema,
  expiresAt: z.string(),
});
export type StaffSession = z.infer<typeof StaffSessionSchema>;

export const StaffStateSchema = z.strictObject({
  /** False on a new kiosk: "Staff" first asks for a manager PIN to be set. */
  managerPinSet: z.boolean(),
  session: StaffSessionSchema.nullable(),
  /** Sign-in is refused until then after 5 wrong PINs; null when not locked. */
  lockedUntil: z.string().nullable(),
  /** Wrong PINs left before the lock. */
  attemptsLeft: z.number().int().min(0),
});
export type StaffState = z.infer<typeof StaffStateSchema>;

/** A check-in of today, for the cashier: masked, never the whole number. */
export const TodaysCheckInSchema = z.object({
  eventId: z.string(),
  occurredAt: z.string(),
  maskedPhone: z.string(),
  points: z.number().int(),
  receiptId: z.string().nullable(),
  /** Why it earned that, line by line, for the cashier; absent for older check-ins. */
  explanation: z.array(EarnLineSchema).optional(),
});

/** A day's totals and its check-ins by hour of the store's day (index 0 = 00:00–00:59). */
export const DayReportSchema = z.object({
  totals: DayTotalsSchema,
  hourlyCheckIns: z.array(z.number().int().min(0)).length(24),
});

/** A problem the server found with this store's accounts, for the manager. */
export const ServerFlagSchema = z.object({
  id: z.string(),
  kind: z.string(),
  /** The customer, masked to the last four digits; null when the flag is not about a customer. */
  maskedPhone: z.string().nullable(),
  detail: z.string(),
  raisedAt: z.string(),
});

export const ServerFlagsSchema = z.object({
  /** 'server': the list is current; 'unavailable': offline or not paired, `message` says which. */
  source: z.enum(['server', 'unavailable']),
  flags: z.array(ServerFlagSchema),
  message: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// The channels

/**
 * Who may call a channel: anyone at the screen, a signed-in cashier or manager, or a manager only.
 * Main enforces it (src/main/ipc/dispatch.ts) whatever the screen shows.
 */
export type ChannelAccess = 'public' | 'staff' | 'manager';

function channel<M extends string, I extends z.ZodType, O extends z.ZodType, A extends ChannelAccess>(
  method: M,
  input: I,
  output: O,
  access: A,
) {
  return { method, input, output, access } as const;
}

export const ipcContract = {
  'kiosk:status': channel('status', z.undefined(), KioskStatusSchema, 'public'),
  'customer:enroll': channel(
    'enroll',
    z.strictObject({
      phone: PhoneInputSchema,
      consent: ConsentSchema,
      firstName: FirstNameSchema.nullable().optional(),
    }),
    z.object({ eventId: z.string(), balance: BalanceViewSchema }),
    'public',
  ),
  'consent:change': channel(
    'changeConsent',
    z.strictObject({ phone: PhoneInputSchema, sms: z.boolean() }),
    z.object({ eventId: z.string() }),
    'staff',
  ),
  'checkin:create': channel(
    'checkIn',
    z.strictObject({ phone: PhoneInputSchema, sale: SaleSchema.nullable().optional() }),
    CheckInResultSchema,
    'public',
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
    'staff',
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
    'staff',
  ),
  /** The signed-in manager is recorded as the one who adjusted. */
  'points:adjust': channel(
    'adjustPoints',
    z.strictObject({
      phone: PhoneInputSchema,
      points: z.number().int(),
      reason: shortText('Reason', 200),
    }),
    z.object({ eventId: z.string(), balance: BalanceViewSchema }),
    'manager',
  ),
  'balance:get': channel('balance', z.strictObject({ phone: PhoneInputSchema }), BalanceViewSchema, 'staff'),
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
    'staff',
  ),
  'day:totals': channel(
    'dayTotals',
    z.strictObject({ businessDay: BusinessDaySchema.optional() }).optional(),
    DayTotalsSchema,
    'manager',
  ),
  'day:close': channel(
    'closeDay',
    z.strictObject({ businessDay: BusinessDaySchema.optional() }).optional(),
    ZReportSchema,
    'manager',
  ),
  /** The day's totals with its check-ins hour by hour (the Z-report's chart). */
  'day:report': channel(
    'dayReport',
    z.strictObject({ businessDay: BusinessDaySchema.optional() }).optional(),
    DayReportSchema,
    'manager',
  ),
  /** The day's report as CSV; main also saves it under the data folder's exports/. */
  'day:exportCsv': channel(
    'exportDayCsv',
    z.strictObject({ businessDay: BusinessDaySchema.optional() }).optional(),
    z.object({ fileName: z.string(), csv: z.string(), savedTo: z.string().nullable() }),
    'manager',
  ),
  'checkins:today': channel(
    'todaysCheckIns',
    z.undefined(),
    z.object({ businessDay: BusinessDaySchema, checkIns: z.array(TodaysCheckInSchema) }),
    'staff',
  ),
  'sync:now': channel('syncNow', z.undefined(), SyncStatusViewSchema, 'manager'),
  'flags:list': channel('serverFlags', z.undefined(), ServerFlagsSchema, 'manager'),
  'customer:lookup': channel(
    'lookupCustomer',
    z.strictObject({ phone: PhoneInputSchema }),
    CustomerLookupSchema,
    'staff',
  ),
  'store:update': channel('updateStore', StoreSettingsSchema, StoreSettingsSchema, 'manager'),
  'settings:update': channel('updateDisplay', DisplaySettingsSchema, DisplaySettingsSchema, 'manager'),
  /** The sale the POS posted that awaits a check-in, and the points it would earn; null when none. */
  'sale:pending': channel('pendingSale', z.undefined(), PendingSaleSchema.nullable(), 'public'),
  /** The POS link's whole token, for the manager to give the POS vendor; null when the link is off. */
  'pos:token': channel('posToken', z.undefined(), z.object({ token: z.string().nullable() }), 'manager'),
  'kiosk:pair': channel(
    'pair',
    z.strictObject({
      serverUrl: z.string().max(2048),
      enrollmentCode: EnrollmentCodeSchema,
      deviceName: DeviceNameSchema,
    }),
    PairingViewSchema,
    'manager',
  ),
  'staff:state': channel('staffState', z.undefined(), StaffStateSchema, 'public'),
  /** Only while no manager PIN is set: the first manager, signed in at once. */
  'staff:setupManager': channel(
    'setupManager',
    z.strictObject({ name: StaffNameSchema, pin: PinSchema }),
    StaffStateSchema,
    'public',
  ),
  'staff:signIn': channel('staffSignIn', z.strictObject({ pin: PinSchema }), StaffStateSchema, 'public'),
  'staff:signOut': channel('staffSignOut', z.undefined(), StaffStateSchema, 'public'),
  'staff:list': channel('listStaff', z.undefined(), z.array(StaffMemberSchema), 'manager'),
  /** Adds a member of staff (no staffId) or changes one's name, role or PIN. */
  'staff:save': channel(
    'saveStaff',
    z.strictObject({
      staffId: StaffIdSchema.optional(),
      name: StaffNameSchema,
      role: StaffRoleSchema,
      pin: PinSchema.optional(),
    }),
    StaffMemberSchema,
    'manager',
  ),
  'staff:remove': channel(
    'removeStaff',
    z.strictObject({ staffId: StaffIdSchema }),
    z.object({ removed: z.boolean() }),
    'manager',
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

// The zod-free table of methods (for the screens' bundle) must name exactly the contract's channels.
type MethodsOf<T extends Record<string, { method: string }>> = { [C in keyof T]: T[C]['method'] };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodTableMatches: Same<MethodsOf<IpcContract>, typeof CHANNEL_METHODS> = true;
void methodTableMatches;

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

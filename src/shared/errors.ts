/**
 * Error codes every boundary (ledger API, IPC, POS API, server) uses to say what went wrong.
 * Each code has one plain-words message a cashier or POS developer can act on; callers may add
 * detail, but the code is the contract.
 */
export const errorCodes = {
  invalid_phone: 'That phone number is not valid.',
  invalid_amount: 'The amount must be a whole number of minor units (cents), zero or more.',
  unknown_currency: 'The currency is not a known ISO 4217 code.',
  currency_mismatch: "The currency does not match the store's currency.",
  invalid_input: 'Some of the details are missing or not valid.',
  not_enrolled: 'This phone number has not joined the program yet.',
  consent_required: 'The program terms must be accepted to join.',
  already_enrolled: 'This phone number has already joined the program.',
  already_checked_in: 'This receipt has already earned points.',
  unknown_reward: 'There is no such reward.',
  insufficient_points: 'There are not enough points for this reward.',
  reward_not_available: 'This reward cannot be redeemed now.',
  unknown_receipt: 'There is no check-in for this receipt.',
  refund_exceeds_sale: 'The refund is larger than what is left to refund on this receipt.',
  newer_database: 'This ledger was written by a newer version of the kiosk.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** A failure with a stable code and a message that can be shown to a person as it is. */
export class KioskError extends Error {
  readonly code: ErrorCode;
  /** The input field the error is about, when there is one (for forms and API error bodies). */
  readonly field: string | undefined;

  /** `detail`, when given, replaces the code's general message with a more precise one. */
  constructor(code: ErrorCode, detail?: string, field?: string) {
    super(detail ?? errorCodes[code]);
    this.name = 'KioskError';
    this.code = code;
    this.field = field;
  }
}

export function isKioskError(value: unknown): value is KioskError {
  return value instanceof KioskError;
}

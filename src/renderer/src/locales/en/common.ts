/** Strings every screen shares: the frame, errors, the sync indicator. */
export const common = {
  appTitle: 'Loyalty check-in',
  // `_many`: Spanish uses it for round millions, and i18next does not fall back to `_other`.
  points_one: '{{count, number}} point',
  points_other: '{{count, number}} points',
  points_many: '{{count, number}} points',
  loading: 'One moment…',
  back: 'Back',
  cancel: 'Cancel',
  close: 'Close',
  error: {
    title: 'Something went wrong',
    body: 'The kiosk hit a problem it could not handle. Please ask a member of staff.',
    restart: 'Start again',
    noService: 'The kiosk service is not answering. Please ask a member of staff.',
  },
  sync: {
    online: 'Online',
    offline: 'Offline: points are saved on this kiosk',
    syncing: 'Syncing…',
    notPaired: 'Not connected to a server',
  },
  /** Refusals from the kiosk by code; the kiosk's own English message is shown for codes not here. */
  codes: {
    invalid_phone: 'That phone number is not valid.',
    not_enrolled: 'This phone number has not joined the program yet.',
    consent_required: 'The program terms must be accepted to join.',
    already_enrolled: 'This phone number has already joined the program.',
    already_checked_in: 'This receipt has already earned points.',
    insufficient_points: 'There are not enough points for this reward.',
    reward_not_available: 'This reward cannot be redeemed now.',
    unknown_receipt: 'There is no check-in for this receipt.',
    refund_exceeds_sale: 'The refund is larger than what is left to refund on this receipt.',
    staff_required: 'A member of staff must sign in with their PIN first.',
    manager_required: 'Only a manager may do this. Sign in with a manager PIN.',
    wrong_pin: 'That PIN is not right.',
    staff_locked: 'Too many wrong PINs. Staff sign-in is locked for a few minutes.',
    internal: 'The kiosk could not finish that. Please try again.',
  },
} as const;

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
  /**
   * The rules engine's explanation lines (src/shared/rules/message.ts): `short` for the customer,
   * `full` for the cashier. Names of rules, promotions and tiers are the program's, shown as
   * written; {{points}} is the `points` string above, money and numbers are the locale's.
   */
  explain: {
    spend: { short: '{{amount}} spent', full: '{{rate}} per {{unit}} on {{amount}}' },
    spendRule: {
      short: '{{multiplier}} {{rule}}',
      full: '{{rule}}: {{rate}} per {{unit}} × {{factor}} on {{amount}}',
    },
    visit: {
      short: 'Visit',
      full: '{{points}} for the visit',
      fullMinimum: '{{points}} for the visit (spent at least {{minimum}})',
    },
    promotion: {
      short: '{{label}}',
      full: '{{name}} ({{schedule}}): {{multiplier}} the base points (this line is the extra)',
      fullBonus: '{{name}} ({{schedule}}): {{points}} bonus',
    },
    tier: {
      short: '{{name}} {{multiplier}}',
      full: '{{name}} tier ({{points}} in the last {{windowDays}} days): {{multiplier}} the base points (this line is the extra)',
    },
    excludedTaxTip: {
      short: 'Tax',
      shortTip: 'Tip',
      shortBoth: 'Tax and tip',
      full: 'Not counted: tax {{tax}}',
      fullTip: 'Not counted: tip {{tip}}',
      fullBoth: 'Not counted: tax {{tax}} and tip {{tip}}',
    },
    excludedRule: { short: '{{rule}}', full: 'Not counted: {{rule}}, {{amount}}' },
    excludedReward: { short: 'Paid with a reward', full: 'Not counted: Paid with a reward, {{amount}}' },
    excludedNotIncluded: {
      short: 'Not in an earning category',
      full: 'Not counted: Not in an earning category, {{amount}}',
    },
    belowMinimum: {
      short: 'Below minimum spend',
      full: 'Below the minimum spend: {{eligible}} counts towards points; the minimum is {{minimum}}',
    },
    noPurchase: {
      short: 'No purchase',
      full: 'No purchase: this program gives points only for a purchase of a minimum amount',
    },
    schedule: {
      everyDay: 'every day',
      hours: '{{from}}–{{to}}',
      between: '{{start}} to {{end}}',
      from: 'from {{start}}',
      until: 'until {{end}}',
      separator: ', ',
    },
    days: {
      monday: 'Mondays',
      tuesday: 'Tuesdays',
      wednesday: 'Wednesdays',
      thursday: 'Thursdays',
      friday: 'Fridays',
      saturday: 'Saturdays',
      sunday: 'Sundays',
    },
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

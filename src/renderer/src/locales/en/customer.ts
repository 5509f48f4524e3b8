/**
 * The customer check-in screen (src/renderer/src/customer). Counted strings have `_many` too:
 * English never picks it, but Spanish does for round millions (1 000 000 → "many"), and i18next
 * does not fall back from a missing `_many` to `_other`.
 */
export const customer = {
  attract: {
    title: 'Check in for points',
    subtitle: 'Earn points every visit with your phone number.',
    touch: 'Touch to start',
  },
  keypad: {
    title: 'Enter your phone number',
    phone: 'Phone number',
    delete: 'Delete',
    checkIn: 'Check in',
    checking: 'Checking in…',
    earn_one: 'Enter your number to earn {{count, number}} point on this purchase.',
    earn_other: 'Enter your number to earn {{count, number}} points on this purchase.',
    earn_many: 'Enter your number to earn {{count, number}} points on this purchase.',
    keypadLabel: 'Number keypad',
  },
  problem: {
    characters: 'Use digits only.',
    input_too_long: 'That is too long to be a phone number.',
    misplaced_plus: 'A + may only come at the start of the number.',
    store_country: 'This kiosk is not set up for phone numbers yet. Please ask a member of staff.',
    extension: 'Leave out the extension.',
    does_not_exist: 'That number does not exist. Please check the digits.',
    too_long: 'That number has too many digits.',
    invalid_country_code: 'That country calling code does not exist.',
    not_a_number: 'That is not a phone number.',
  },
  join: {
    title: 'Join {{program}}?',
    intro: 'This number has not joined yet. Join now to earn points on this visit and every visit after.',
    terms: 'I agree to the program terms',
    termsNote: 'Terms version {{version}}. Ask a member of staff for a printed copy.',
    sms: 'Text me offers',
    smsNote: 'Optional. You can stop the texts at any time.',
    join: 'Join',
    joining: 'Joining…',
    noThanks: 'No thanks',
  },
  result: {
    thanks: 'Thanks!',
    thanksName: 'Thanks, {{name}}!',
    welcome: 'Welcome to the program!',
    welcomeName: 'Welcome, {{name}}!',
    earned_one: '+{{count, number}} point.',
    earned_other: '+{{count, number}} points.',
    earned_many: '+{{count, number}} points.',
    balance_one: 'Your balance: {{count, number}} point.',
    balance_other: 'Your balance: {{count, number}} points.',
    balance_many: 'Your balance: {{count, number}} points.',
    phone: 'Checked in as {{phone}}',
    progressLabel: 'Progress to {{reward}}',
    toNext_one: '{{count, number}} more point to {{reward}}.',
    toNext_other: '{{count, number}} more points to {{reward}}.',
    toNext_many: '{{count, number}} more points to {{reward}}.',
    allRewards: 'You have enough points for every reward. Ask at the counter to use them.',
    tier: 'Your level: {{tier}}',
    tierUp: 'You moved up to {{tier}}!',
    done: 'Done',
  },
  /** What earned the points, under the result and on a POS sale's invitation. */
  earnLines: {
    label: 'Where the points come from',
    points: '+{{points, number}}',
  },
  refused: {
    title: 'You have already checked in',
    cooldown: 'You checked in a moment ago, so no points this time. You can check in again at {{time}}.',
    daily_limit: 'You have reached the check-ins for today, so no points this time. Come back tomorrow!',
    receipt: 'This purchase has already earned points.',
  },
  preview: 'This is a preview of the screen: it does not record points.',
  staff: 'Staff',
} as const;

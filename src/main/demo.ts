import { isKioskError } from '../shared/errors';
import type { Kiosk } from './kiosk';
import type { Log } from './logging';

/**
 * `npm start` only (KIOSK_DEMO=1, never in a packaged kiosk): a customer who has already joined,
 * so a newcomer can type a number and see points at once. The number is valid in the demo store's
 * country (US); elsewhere nothing is enrolled.
 */
export const DEMO_PHONE = '(212) 555-0147';

export function seedDemoCustomer(kiosk: Kiosk, log: Log): string | null {
  if (kiosk.ledger.store.country !== 'US') return null;
  try {
    kiosk.ledger.enroll(
      DEMO_PHONE,
      { terms: true, termsVersion: kiosk.ledger.program.termsVersion, sms: false },
      'Sam',
    );
    log.info('demo_customer_enrolled');
  } catch (error) {
    if (!isKioskError(error) || error.code !== 'already_enrolled') throw error;
  }
  return DEMO_PHONE;
}

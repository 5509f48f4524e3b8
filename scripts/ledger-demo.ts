/**
 * The till's ledger in plain Node, on a real SQLite file: a customer joins, earns points on a
 * sale, gets a partial refund, redeems a reward; then the day's totals, the outbox waiting for
 * the server, and the ledger's own integrity check. Run it twice and the same customer comes back
 * with the balance from the first run, because the file is kept.
 *
 *   npm run ledger-demo                        uses ./data/kiosk-demo/ledger.db
 *   KIOSK_DATA_DIR=/some/folder npm run ledger-demo
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findLedgerProblems } from '../src/main/ledger/integrity';
import { openLedger } from '../src/main/ledger/open';
import { createOutbox } from '../src/main/outbox/outbox';
import { isKioskError } from '../src/shared/errors';
import { formatMoney } from '../src/shared/money';
import { maskPhone } from '../src/shared/phone';
import type { StoreSettings } from '../src/shared/store';
import { businessDayOf } from '../src/shared/time';

const dataDir = resolve(process.env.KIOSK_DATA_DIR ?? join('data', 'kiosk-demo'));
mkdirSync(dataDir, { recursive: true });
const path = join(dataDir, 'ledger.db');
const store: StoreSettings = {
  country: (process.env.KIOSK_STORE_COUNTRY ?? 'US') as StoreSettings['country'],
  currency: process.env.KIOSK_STORE_CURRENCY ?? 'USD',
  timeZone: process.env.KIOSK_STORE_TIMEZONE ?? 'America/New_York',
};

const { db, ledger } = openLedger({ path, initialStore: store });
const say = (text: string) => console.log(text);
const money = (amount: number) => formatMoney({ amount, currency: ledger.store.currency });

try {
  say(`Till ${ledger.deviceId}, ledger ${path}`);
  say(`Store: ${ledger.store.country}, ${ledger.store.currency}, ${ledger.store.timeZone}`);
  say(`Program v${ledger.program.version}: ${ledger.program.name}\n`);

  const typed = '(212) 555-0147';
  try {
    ledger.enroll(typed, { terms: true, termsVersion: ledger.program.termsVersion, sms: false }, 'Sam');
    say(`A customer types ${typed} and joins the program.`);
  } catch (error) {
    if (!isKioskError(error) || error.code !== 'already_enrolled') throw error;
    say(`${typed} is already a member (from an earlier run).`);
  }

  const receiptId = `DEMO-${Date.now()}`;
  const sale = { receiptId, total: { amount: 4_275, currency: ledger.store.currency } };
  const checkIn = ledger.checkIn(typed, sale);
  if (checkIn.status === 'checked_in') {
    say(`Sale ${receiptId} for ${money(sale.total.amount)}: earns ${checkIn.pointsEarned} points.`);
    const { balance } = checkIn;
    say(
      `  ${maskPhone(balance.phone)} now has ${balance.provisional} points (confirmed by the server: ${balance.confirmed}).`,
    );
    if (balance.progress.nextReward) {
      say(`  ${balance.progress.pointsToNext} more points to "${balance.progress.nextReward.name}".`);
    }
  }
  const again = ledger.checkIn(typed, sale);
  say(`The same receipt again: ${again.status.replaceAll('_', ' ')}; nothing written.`);

  const refund = ledger.refund(receiptId, { amount: 1_000, currency: ledger.store.currency });
  say(`Partial refund of ${money(refund.refunded.amount)}: ${refund.pointsReversed} points taken back.`);

  const reward = ledger.program.rewards[0];
  if (reward) {
    try {
      const redeemed = ledger.redeem(typed, reward.id);
      say(
        `Redeemed "${reward.name}" for ${redeemed.pointsSpent} points; ${redeemed.balance.provisional} left.`,
      );
    } catch (error) {
      if (!isKioskError(error)) throw error;
      say(`Tried to redeem "${reward.name}": ${error.message}`);
    }
  }

  try {
    ledger.checkIn('12', sale);
  } catch (error) {
    if (!isKioskError(error)) throw error;
    say(`Someone types "12": refused (${error.code}): ${error.message}`);
  }

  const today = businessDayOf(new Date(), ledger.store.timeZone);
  const totals = ledger.dayTotals(today);
  say(`\nToday (${today}): ${totals.checkIns} check-ins, ${totals.enrolments} new members,`);
  say(
    `  ${totals.pointsEarned} points earned, ${totals.pointsRedeemed} redeemed, ${totals.pointsReversed} reversed.`,
  );
  say(
    `Outbox: ${createOutbox(db).pendingCount()} events waiting for the server (sync is not connected yet).`,
  );
  const problems = findLedgerProblems(db);
  say(
    problems.length === 0
      ? 'Integrity check: every invariant holds.'
      : `Integrity problems:\n  ${problems.join('\n  ')}`,
  );
  if (problems.length > 0) process.exitCode = 1;
} finally {
  db.close();
}

/**
 * A till under load, for the crash test: opens the ledger and does check-ins, partial refunds and
 * redemptions as fast as it can, printing one line after each call returns successfully. The test
 * kills it with SIGKILL at a random moment and then checks that every line it printed is in the
 * ledger and that the ledger's invariants hold.
 *
 * Usage: node --import tsx tests/fault/ledger-worker.ts <ledger.db> <run id>
 */
import { openLedger } from '../../src/main/ledger/open';

const [path, runId] = process.argv.slice(2);
if (!path || !runId) throw new Error('usage: ledger-worker <ledger.db> <run id>');

const PHONES = ['415 555 0101', '415 555 0102', '415 555 0103', '415 555 0104'];
const { ledger } = openLedger({
  path,
  initialStore: { country: 'US', currency: 'USD', timeZone: 'America/New_York' },
});

for (const phone of PHONES) {
  try {
    ledger.enroll(phone, { terms: true, termsVersion: '1', sms: false });
  } catch {
    // Enrolled by an earlier run.
  }
}
process.stdout.write('ready\n');

// Deterministic per run, so a failure can be replayed from its run id.
let state = [...runId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
const random = () => {
  state = (state * 1_103_515_245 + 12_345) >>> 0;
  return state / 2 ** 32;
};

const refundable: string[] = [];
for (let n = 0; ; n++) {
  const phone = PHONES[Math.floor(random() * PHONES.length)]!;
  const roll = random();
  if (roll < 0.7 || refundable.length === 0) {
    const receiptId = `${runId}-${n}`;
    const amount = 100 + Math.floor(random() * 20_000);
    const result = ledger.checkIn(phone, { receiptId, total: { amount, currency: 'USD' } });
    if (result.status !== 'checked_in') throw new Error(`receipt ${receiptId} was already checked in`);
    refundable.push(receiptId);
    process.stdout.write(`checkin ${receiptId} ${result.eventId} ${result.pointsEarned}\n`);
  } else if (roll < 0.9) {
    const receiptId = refundable[Math.floor(random() * refundable.length)]!;
    try {
      const result = ledger.refund(receiptId, { amount: 50, currency: 'USD' });
      process.stdout.write(`refund ${receiptId} ${result.eventId} ${result.refunded.amount}\n`);
    } catch {
      refundable.splice(refundable.indexOf(receiptId), 1);
    }
  } else {
    try {
      const result = ledger.redeem(phone, 'reward-100');
      process.stdout.write(`redeem ${result.balance.phone} ${result.eventId} ${result.pointsSpent}\n`);
    } catch {
      // Not enough points yet.
    }
  }
}

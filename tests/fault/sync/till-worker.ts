import { openTill, phone, CONSENT } from './support/till';

/**
 * A till in its own process, for SIGKILL tests. argv: <till dir> <mode> [count]
 *   sell-then-sync  writes `count` check-ins (printing "sold <seq>" after each commit), then syncs
 *                   for ever with the running loop;
 *   sync            only runs the sync loop (printing "synced" each time the outbox is empty).
 * Prints "ready" once the loop runs. The parent kills it at a moment it chooses.
 */
const [dir, mode, countText] = process.argv.slice(2);
const till = openTill({ dir: dir!, options: { pullLimit: Number(process.env.PULL_LIMIT ?? 500) } });
if (mode === 'sell-then-sync') {
  const customer = phone(Number(process.env.CUSTOMER ?? 1));
  if (till.db.prepare('SELECT 1 FROM customers WHERE phone = ?').get(customer) === undefined) {
    till.ledger.enroll(customer, CONSENT);
  }
  for (let i = 0; i < Number(countText ?? 1); i++) {
    const result = till.ledger.checkIn(customer, {
      receiptId: `${process.pid}-${i}`,
      total: { amount: 300, currency: 'USD' },
    });
    if (result.status === 'checked_in') process.stdout.write(`sold ${result.eventId}\n`);
  }
}
till.engine.onStatus((status) => {
  if (status.pendingEvents === 0 && status.lastPullAt) process.stdout.write('synced\n');
});
till.engine.start();
process.stdout.write('ready\n');

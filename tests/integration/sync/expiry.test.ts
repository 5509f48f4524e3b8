import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAM } from '../../../src/shared/program';
import { pair } from '../../fault/sync/support/pairing';
import { ADMIN_TOKEN, startServer, type ServerProcess } from '../../fault/sync/support/server';
import { CONSENT, openTill, phone, type TestTill } from '../../fault/sync/support/till';

/**
 * Points expiry end to end: a real till (SQLite ledger, sync engine) earns points that expire
 * after a day, syncs them to the real server process, the server's expiry job runs (the admin
 * command), and the till's next pull lowers its confirmed balance.
 */

const DAY = 86_400_000;
let server: ServerProcess;
const tills: TestTill[] = [];

beforeAll(async () => {
  // The schedule is off: the test runs the job itself, through the admin API.
  server = await startServer({ env: { EXPIRY_INTERVAL_SECONDS: '0' } });
}, 90_000);

afterAll(async () => {
  for (const till of tills) await till.cleanup();
  await server?.dispose();
});

async function expireNow(): Promise<{ customers: number; points: number }> {
  const reply = await fetch(`${server.url}/v1/admin/expiry/run`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(reply.status).toBe(200);
  return (await reply.json()) as { customers: number; points: number };
}

describe('points expiry reaches the till', () => {
  it('points earned ten days ago under a one-day expiry are gone from the confirmed balance after the next sync', async () => {
    const { storeId } = await server.admin.createStore({
      program: { ...DEFAULT_PROGRAM, version: 2, expiry: { kind: 'after_days', days: 1 } },
    });
    // The till's clock ten days back: its check-ins are ten days old (a wrong clock never blocks).
    const tenDaysAgo = () => new Date(Date.now() - 10 * DAY);
    const till = openTill({ clock: tenDaysAgo });
    tills.push(till);
    await pair(till, server, storeId);
    await till.engine.syncNow(); // the program with its expiry policy

    till.ledger.enroll(phone(1), CONSENT, 'Eve');
    const result = till.ledger.checkIn(phone(1), {
      receiptId: 'r-exp-1',
      total: { amount: 4_200, currency: 'USD' },
    });
    expect(result.status).toBe('checked_in');
    const earned = till.ledger.balance(phone(1)).provisional;
    expect(earned).toBeGreaterThan(0);

    // A second customer of the same till: one points.expired each.
    till.ledger.enroll(phone(2), CONSENT, 'Sam');
    till.ledger.checkIn(phone(2), { receiptId: 'r-exp-2', total: { amount: 1_000, currency: 'USD' } });

    const synced = await till.engine.syncNow();
    expect(synced).toMatchObject({ pendingEvents: 0, lastError: null });
    expect(till.ledger.balance(phone(1)).confirmed).toBe(earned);

    const run = await expireNow();
    expect(run.customers).toBe(2);
    expect(run.points).toBe(earned + till.ledger.balance(phone(2)).confirmed!);

    // The till has pushed nothing new; its next pull brings the confirmed balance down.
    await till.engine.syncNow();
    expect(till.ledger.balance(phone(1))).toMatchObject({ confirmed: 0, provisional: 0 });
    expect(till.ledger.balance(phone(2))).toMatchObject({ confirmed: 0, provisional: 0 });

    // Running it again the same day expires nothing more.
    expect(await expireNow()).toMatchObject({ customers: 0, points: 0 });
  });

  it('`npm run server:admin -- expire` runs the job and prints what it expired', async () => {
    const root = resolve(import.meta.dirname, '../../..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', resolve(root, 'server/src/admin-cli.ts'), 'expire'],
      { cwd: root, env: { ...process.env, SERVER_URL: server.url, ADMIN_TOKEN } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ customers: 0, points: 0, mismatched: [] });
  });
});

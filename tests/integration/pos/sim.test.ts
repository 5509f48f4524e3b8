import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT } from '../../helpers/ledger';
import { POS_TOKEN, startPosKiosk, type PosKiosk } from './helpers';

// The simulator (scripts/pos-sim.ts) as support staff run it, against a real kiosk's POS link.

const run = promisify(execFile);
const root = join(import.meta.dirname, '../../..');
let pos: PosKiosk;

async function sim(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), ['scripts/pos-sim.ts', ...args], {
      cwd: root,
      env: { ...process.env, KIOSK_POS_URL: pos.url, KIOSK_POS_TOKEN: POS_TOKEN, ...env },
    });
    return { code: 0, json: JSON.parse(stdout) as { status: number; body: Record<string, any> } }; // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return {
      code: failure.code,
      json: failure.stdout ? JSON.parse(failure.stdout) : null,
      stderr: failure.stderr,
    };
  }
}

beforeAll(async () => {
  pos = await startPosKiosk();
  pos.kiosk.ledger.enroll('(212) 555-0147', CONSENT);
});
afterAll(async () => {
  await pos?.close();
});

describe('npm run pos-sim', () => {
  it('drives sale, status, check-in, partial refund, and refuses what the kiosk refuses', async () => {
    const sale = await sim(['sale', '12.50', '--receipt', 'SIM-1']);
    expect(sale.code).toBe(0);
    expect(sale.json.status).toBe(201);
    expect(sale.json.body).toMatchObject({
      receiptId: 'SIM-1',
      total: { amount: 1250, currency: 'USD' },
      wouldEarn: { points: 12 },
    });

    pos.kiosk.ledger.checkIn('(212) 555-0147', {
      receiptId: 'SIM-1',
      total: { amount: 1250, currency: 'USD' },
    });
    const status = await sim(['status', 'SIM-1']);
    expect(status.json.body).toMatchObject({
      status: 'checked-in',
      pointsEarned: 12,
      customer: { maskedPhone: '••• 0147' },
    });

    const refund = await sim(['refund', 'SIM-1', '6.25']);
    expect(refund.json.body).toMatchObject({ refunded: { amount: 625 }, pointsReversed: 6 });

    const wrong = await sim(['status', 'SIM-1'], { KIOSK_POS_TOKEN: 'not-the-right-token-at-all' });
    expect(wrong.code).toBe(1);
    expect(wrong.json).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });

    const bad = await sim(['sale', '12.505']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/2 decimal places/);
  });
});

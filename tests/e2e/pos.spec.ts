import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test as base } from '@playwright/test';
import type { Kiosk } from '../../src/main/kiosk';
import { repoRoot, startKioskHost } from './fixtures';
import { CASHIER_PIN, seedStaff, signIn } from './server-fixture';

// The POS link end to end: the simulator posts a sale, the screen in Chromium invites the customer
// to earn its points, the customer checks in, the POS reads the points earned, a reward redeemed on
// the receipt shows the POS its discount, and a partial refund reverses the right points.

const TOKEN = 'e2e-pos-token-0123456789abcdef';
const run = promisify(execFile);

interface PosHost {
  url: string;
  posUrl: string;
  kiosk: Kiosk;
}

const test = base.extend<object, { posHost: PosHost }>({
  posHost: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring
    async ({}, use) => {
      const host = await startKioskHost({
        folderPrefix: 'kiosk-e2e-pos-',
        pos: { enabled: true, host: '127.0.0.1', port: 0, token: TOKEN, saleTtlSeconds: 300 },
      });
      const api = await host.kiosk.pos.api;
      if (!api) throw new Error(`POS API did not start: ${JSON.stringify(host.kiosk.status().pos)}`);
      await use({ url: host.url, posUrl: api.url, kiosk: host.kiosk });
      await host.close();
    },
    { scope: 'worker' },
  ],
});

async function sim(posUrl: string, ...args: string[]) {
  const { stdout } = await run(join(repoRoot, 'node_modules/.bin/tsx'), ['scripts/pos-sim.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, KIOSK_POS_URL: posUrl, KIOSK_POS_TOKEN: TOKEN },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field below
  return JSON.parse(stdout) as { status: number; body: Record<string, any> };
}

test('a sale from the POS is checked in on the screen, its reward and refund reach the POS', async ({
  page,
  posHost,
}) => {
  await page.goto(posHost.url);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check in for points');
  await expect(page.getByText(/on this purchase/)).toHaveCount(0);

  const posted = await sim(posHost.posUrl, 'sale', '125.00', '--receipt', 'E2E-1');
  expect(posted.status).toBe(201);
  expect(posted.body['wouldEarn'].points).toBe(125);
  // Duplicate posts leave one sale.
  expect((await sim(posHost.posUrl, 'sale', '125.00', '--receipt', 'E2E-1')).status).toBe(200);

  await expect(page.getByText('Enter your number to earn 125 points on this purchase.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Phone number' }).fill('(212) 555-0147');
  await page.getByRole('button', { name: 'Check in' }).click();
  await expect(page.getByRole('status')).toContainText('+125 points.');
  await expect(page.getByText('Checked in as ••• 0147')).toBeVisible();
  await expect(page.getByText(/on this purchase/)).toHaveCount(0);

  const status = await sim(posHost.posUrl, 'status', 'E2E-1');
  expect(status.body).toMatchObject({
    status: 'checked-in',
    pointsEarned: 125,
    customer: { maskedPhone: '••• 0147' },
    rewardsApplied: [],
  });

  // The cashier redeems the customer's reward on this receipt at the staff screens.
  await seedStaff(posHost.kiosk, { cashier: true });
  await page.getByRole('button', { name: 'Done' }).click();
  await signIn(page, CASHIER_PIN);
  await page.getByLabel('Phone number').fill('212 555 0147');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByLabel('Receipt number (optional)').fill('E2E-1');
  await page.getByRole('button', { name: 'Redeem' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'redeemed' })).toContainText(
    'Reward at 100 points redeemed: 100 points spent.',
  );
  const withReward = await sim(posHost.posUrl, 'status', 'E2E-1');
  expect(withReward.body['rewardsApplied']).toEqual([
    {
      id: 'reward-100',
      name: 'Reward at 100 points',
      discount: { amount: 500, currency: 'USD' },
      saleLine: null,
    },
  ]);

  const refund = await sim(posHost.posUrl, 'refund', 'E2E-1', '25.00');
  expect(refund.status).toBe(200);
  expect(refund.body).toMatchObject({ refunded: { amount: 2500, currency: 'USD' }, pointsReversed: 25 });
});

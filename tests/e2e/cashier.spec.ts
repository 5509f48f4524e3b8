import { axeViolations } from './axe';
import { CASHIER_PIN, expect, seedStaff, signIn, test } from './server-fixture';

// A cashier at the staff screens: find the demo customer, redeem a reward, refund part of a
// receipt, today's check-ins; every change checked in the kiosk's SQLite ledger.

const DEMO = '+12125550147';

test('a cashier finds a customer, redeems a reward, refunds part of a receipt and sees today', async ({
  page,
  ownKiosk,
}, testInfo) => {
  const { kiosk } = ownKiosk;
  await seedStaff(kiosk, { cashier: true });
  await page.goto(ownKiosk.url);
  await signIn(page, CASHIER_PIN);
  await expect(page.getByText('Signed in as Carl, cashier')).toBeVisible();
  await expect(page.getByRole('tab')).toHaveText(['Customers', 'Today']);

  // With no points yet, no reward can be redeemed; offline, the cap is explained.
  await page.getByLabel('Phone number').fill('212 555 0147');
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByRole('heading', { name: `Customer ${DEMO}` })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Redeem' })).toBeDisabled();
  await expect(
    page.getByText('The kiosk is offline: each customer can redeem up to 500 points'),
  ).toBeVisible();

  kiosk.ledger.checkIn(DEMO, { receiptId: 'R-1001', total: { amount: 12_500, currency: 'USD' } });
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByRole('definition').nth(1)).toHaveText('125');
  await expect(page.getByRole('cell', { name: /^Earned points/ })).toBeVisible();
  // Why, in full: the rules engine's detail as the event kept it, with its points.
  const why = page.getByRole('list', { name: 'Why these points' });
  await expect(why.getByRole('listitem')).toHaveText(['1 point per $1 on $125.00 +125 points']);
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('cashier-customer.png'), fullPage: true });

  // Redeem, applied to the receipt so the POS gets the discount.
  const redeem = page.getByRole('button', { name: 'Redeem' });
  await expect(redeem).toBeEnabled();
  await expect(redeem).toHaveAccessibleDescription(/Reward at 100 points/);
  await page.getByLabel('Receipt number (optional)').fill('R-1001');
  await redeem.click();
  await expect(page.getByRole('status').filter({ hasText: 'redeemed' })).toContainText(
    'Reward at 100 points redeemed: 100 points spent. Balance now 25 points.',
  );
  const redeemed = kiosk.ledger.history(DEMO, { limit: 50 }).find((e) => e.type === 'points.redeemed');
  expect(redeemed?.payload).toMatchObject({ rewardId: 'reward-100', points: 100, receiptId: 'R-1001' });
  await expect(page.getByRole('button', { name: 'Redeem' })).toBeDisabled();

  // A partial refund: 25.00 of 125.00, in minor units.
  await page.getByLabel('Receipt number', { exact: true }).fill('R-1001');
  await page.getByRole('radio', { name: 'Part of it' }).check();
  await page.getByLabel('Amount refunded (USD)').fill('12');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(page.getByText('Refunded $12.00 on receipt R-1001.')).toBeVisible();
  const reversed = kiosk.ledger.history(DEMO, { limit: 50 }).find((e) => e.type === 'points.reversed');
  expect(reversed?.type).toBe('points.reversed');
  if (reversed?.type !== 'points.reversed') return;
  expect(reversed.payload.refund).toEqual({ amount: 1200, currency: 'USD' });
  await expect(page.getByTestId('points-reversed')).toHaveText(String(reversed.payload.points));
  await expect(page.getByTestId('points-restored')).toHaveText(String(reversed.payload.restoredPoints ?? 0));
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('cashier-refund.png'), fullPage: true });

  // A bad amount is refused on the screen and announced.
  await page.getByLabel('Amount refunded (USD)').fill('12.345');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Enter an amount like 12.50.');

  // Today's check-ins: masked, with the receipt.
  await page.getByRole('tab', { name: 'Today' }).click();
  await expect(page.getByText('1 check-in on')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'R-1001' })).toBeVisible();
  await expect(page.getByRole('cell', { name: /0147/ })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Why these points' })).toContainText(
    '1 point per $1 on $125.00',
  );
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('cashier-today.png'), fullPage: true });

  // A cashier cannot reach the manager's channels, whatever the page asks.
  const closed = await page.evaluate(() =>
    (
      globalThis as unknown as { kiosk: { closeDay: () => Promise<{ ok: boolean; code?: string }> } }
    ).kiosk.closeDay(),
  );
  expect(closed).toMatchObject({ ok: false, code: 'manager_required' });
});

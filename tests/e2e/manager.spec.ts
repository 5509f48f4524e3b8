import { readFile } from 'node:fs/promises';
import { axeViolations } from './axe';
import { startKioskHost } from './fixtures';
import {
  expect,
  MANAGER_PIN,
  seedStaff,
  signIn,
  startServerInProcess,
  test,
  type TestServer,
} from './server-fixture';

// A manager at the staff screens: the end-of-day close offline (not paired) and online (paired
// with a real server in this process), the Z-report, its hourly chart and CSV; sync, settings,
// staff PINs and a manual adjustment. axe runs on every screen.

const DEMO = '+12125550147';

test.describe('manager', () => {
  test('closes the day offline: Z-report, hourly chart and Export CSV', async ({
    page,
    ownKiosk,
  }, testInfo) => {
    const { kiosk } = ownKiosk;
    await seedStaff(kiosk);
    kiosk.ledger.checkIn(DEMO, { receiptId: 'R-2001', total: { amount: 4_200, currency: 'USD' } });
    const hour = Number(
      new Intl.DateTimeFormat('en-US', {
        hour: 'numeric',
        hourCycle: 'h23',
        timeZone: 'America/New_York',
      }).format(new Date()),
    );

    await page.goto(ownKiosk.url);
    await signIn(page, MANAGER_PIN);
    await page.getByRole('tab', { name: 'Close day' }).click();
    await expect(page.getByRole('tab', { name: 'Close day' })).toHaveAttribute('aria-selected', 'true');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Close day' }).click();

    const report = page.getByRole('region', { name: /^Z-report for \d{4}-\d{2}-\d{2}$/ });
    await expect(report).toBeVisible();
    await expect(report).toContainText('Closed on this kiosk only');
    await expect(report.getByRole('row', { name: /^Check-ins 1$/ })).toBeVisible();
    await expect(report.getByRole('row', { name: /^Points issued 42$/ })).toBeVisible();
    await expect(report.getByRole('row', { name: /^Events not synced yet \d+$/ })).toBeVisible();
    expect(kiosk.status().dayClosed).toBe(true);

    // The chart's accessible alternative: a table, one row per hour.
    const chart = page.getByRole('table', { name: 'Check-ins by hour' });
    await expect(chart.getByRole('row')).toHaveCount(25);
    await expect(chart.getByRole('row', { name: `${String(hour).padStart(2, '0')}:00 1` })).toBeAttached();

    // Export CSV: a download of the CSV main saved under its exports folder.
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const link = page.getByRole('link', { name: /^Download .+\.csv$/ });
    await expect(link).toBeVisible();
    await expect(page.getByText(/Also saved on the kiosk as .+\.csv/)).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\n').length).toBeGreaterThan(2);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('close-day-offline.png') });
    await report.screenshot({ path: testInfo.outputPath('z-report-offline.png') });
    await page.locator('.hourly-chart').screenshot({ path: testInfo.outputPath('hourly-chart.png') });
  });

  test('shows the POS link and, on request only, its whole token for the POS vendor', async ({
    page,
  }, testInfo) => {
    const token = 'e2e-pos-token-0123456789abcdef';
    const host = await startKioskHost({
      folderPrefix: 'kiosk-e2e-pos-link-',
      pos: { enabled: true, host: '127.0.0.1', port: 0, token, saleTtlSeconds: 300 },
    });
    try {
      await seedStaff(host.kiosk);
      const api = await host.kiosk.pos.api;
      await page.goto(host.url);
      await signIn(page, MANAGER_PIN);
      await page.getByRole('tab', { name: 'Settings' }).click();
      const card = page.getByRole('region', { name: 'POS link' });
      await expect(card).toContainText(`reaches this kiosk at ${api?.url}`);
      await expect(card).toContainText('set by the installer (KIOSK_POS_TOKEN)');
      // Not on screen until asked for: the settings may be open while a customer stands there.
      await expect(page.getByText(token)).toHaveCount(0);
      await expect(card.getByLabel('POS token')).toHaveCount(0);
      await card.getByRole('button', { name: `Show the POS token (ends in ${token.slice(-4)})` }).click();
      await expect(card.getByLabel('POS token')).toHaveValue(token);
      expect(await axeViolations(page)).toEqual([]);
      await card.screenshot({ path: testInfo.outputPath('pos-link.png') });
      await card.getByRole('button', { name: 'Hide the POS token' }).click();
      await expect(card.getByLabel('POS token')).toHaveCount(0);
    } finally {
      await page.close();
      await host.close();
    }
  });

  test('sync, settings, staff PINs and a manual adjustment', async ({ page, ownKiosk }, testInfo) => {
    const { kiosk } = ownKiosk;
    await seedStaff(kiosk);
    await page.goto(ownKiosk.url);
    await signIn(page, MANAGER_PIN);

    // A manual adjustment needs a reason, and records the manager.
    await page.getByLabel('Phone number').fill('212 555 0147');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByLabel('Points to add (a minus sign takes away)').fill('30');
    await page.getByRole('button', { name: 'Adjust points' }).click();
    await expect(page.getByRole('alert')).toHaveText('Give a reason for the adjustment.');
    await page.getByLabel('Reason', { exact: true }).fill('Coffee machine broke');
    await page.getByRole('button', { name: 'Adjust points' }).click();
    await expect(page.getByText('Points adjusted. Balance now 30 points.')).toBeVisible();
    const adjusted = kiosk.ledger.history(DEMO, { limit: 10 }).find((e) => e.type === 'points.adjusted');
    const maria = kiosk.staff.list().find((m) => m.name === 'Maria');
    expect(adjusted?.payload).toMatchObject({
      points: 30,
      reason: 'Coffee machine broke',
      staffId: maria?.staffId,
    });
    expect(await axeViolations(page)).toEqual([]);

    // Sync, not paired: plain words, and "Sync now" answers.
    await page.getByRole('tab', { name: 'Sync' }).click();
    await expect(page.getByText('Events waiting to sync')).toBeVisible();
    await expect(page.getByText('Last sync')).toBeVisible();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Sync finished.' })).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('sync-offline.png') });

    // Staff PINs: add a cashier, change the PIN, remove; the last manager stays.
    await page.getByRole('tab', { name: 'Staff' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Carl');
    await page.getByLabel('Role').selectOption('cashier');
    await page.getByLabel('PIN for the new member').fill('1111');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByText('Carl added.')).toBeVisible();
    expect(kiosk.staff.list().map((m) => [m.name, m.role])).toEqual([
      ['Maria', 'manager'],
      ['Carl', 'cashier'],
    ]);
    await page.getByRole('button', { name: 'Change PIN Carl' }).click();
    await page.getByLabel('New PIN for Carl').fill('2222');
    await page.getByRole('button', { name: 'Save PIN' }).click();
    await expect(page.getByText('PIN changed for Carl.')).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('staff-pins.png') });
    await page.getByRole('button', { name: 'Remove Maria' }).click();
    await expect(page.getByRole('alert')).toContainText('The last manager cannot be removed');
    await page.getByRole('button', { name: 'Remove Carl' }).click();
    await expect(page.getByText('Carl removed.')).toBeVisible();
    expect(kiosk.staff.list().map((m) => m.name)).toEqual(['Maria']);

    // Settings: the store is editable while not paired; the screen switches to Spanish.
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect(page.getByLabel('Country (2 letters, e.g. US)')).toBeEnabled();
    await expect(page.getByLabel('Server address')).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Seconds before the customer screen starts over').fill('5');
    await page.getByRole('button', { name: 'Save screen settings' }).click();
    await expect(page.getByRole('alert')).toHaveText('Enter a number of seconds from 10 to 600.');
    await page.getByLabel('Seconds before the customer screen starts over').fill('45');
    await page.getByLabel('Brand colour').fill('#7a1f5c');
    await page.getByLabel('Logo (PNG, JPEG, WebP or SVG, under 300 KB)').setInputFiles({
      name: 'logo.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
    });
    await expect(page.getByRole('img', { name: 'Logo preview' })).toBeVisible();
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('button', { name: 'Save screen settings' }).click();
    await expect(page.getByRole('tab', { name: 'Ajustes' })).toBeVisible();
    expect(kiosk.status().display).toMatchObject({
      idleTimeoutSeconds: 45,
      language: 'es',
      brandColour: '#7a1f5c',
    });
    expect(kiosk.status().display.logo).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('settings-es.png') });
  });

  test.describe('online', () => {
    let server: TestServer;
    test.beforeAll(async () => {
      server = await startServerInProcess();
    });
    test.afterAll(async () => {
      await server.close();
    });

    test('pairs with the server, syncs and closes the day with the server’s check', async ({
      page,
      ownKiosk,
    }, testInfo) => {
      test.setTimeout(60_000);
      const { kiosk } = ownKiosk;
      await seedStaff(kiosk);
      const { storeId } = await server.admin.createStore();
      const code = await server.admin.enrollmentCode(storeId);

      await page.goto(ownKiosk.url);
      await signIn(page, MANAGER_PIN);
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByLabel('Server address').fill(server.url);
      await page.getByLabel('Enrolment code').fill(code);
      await page.getByLabel('Device name').fill('Front counter');
      await page.getByRole('button', { name: 'Pair' }).click();
      await expect(page.getByText('Paired with Corner Café.')).toBeVisible();
      await expect(page.getByText(`Paired with Corner Café at ${server.url}`)).toBeVisible();
      expect(kiosk.status().pairing.paired).toBe(true);
      // Paired: the store's settings come from the server.
      await expect(page.getByLabel('Country (2 letters, e.g. US)')).toBeDisabled();
      await expect(
        page.getByText('These come from the chain’s server while the kiosk is paired.'),
      ).toBeVisible();
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: testInfo.outputPath('settings-paired.png') });

      kiosk.ledger.checkIn(DEMO, { receiptId: 'R-3001', total: { amount: 1_000, currency: 'USD' } });
      await page.getByRole('tab', { name: 'Sync' }).click();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Sync finished.' })).toBeVisible();
      await expect(page.getByRole('region', { name: 'Flags from the server' })).toContainText(
        /The server has raised no flags|Overdrawn/,
      );
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: testInfo.outputPath('sync-online.png') });

      await page.getByRole('tab', { name: 'Close day' }).click();
      await page.getByRole('button', { name: 'Close day' }).click();
      const report = page.getByRole('region', { name: /^Z-report for / });
      await expect(report).toContainText('The server has this close and checked it.', { timeout: 20_000 });
      await expect(report).toContainText('The server’s totals match this kiosk’s.');
      await expect(report.getByRole('columnheader', { name: 'Server' })).toBeVisible();
      await expect(report.getByRole('row', { name: /^Check-ins 1 1$/ })).toBeVisible();
      await page.getByRole('button', { name: 'Export CSV' }).click();
      await expect(page.getByRole('link', { name: /^Download .+\.csv$/ })).toBeVisible();
      expect(await axeViolations(page)).toEqual([]);
      await report.screenshot({ path: testInfo.outputPath('z-report-online.png') });
    });

    test('a revoked kiosk tells the manager, who pairs it again with a new code and nothing is lost', async ({
      page,
      ownKiosk,
    }, testInfo) => {
      test.setTimeout(60_000);
      const { kiosk } = ownKiosk;
      await seedStaff(kiosk);
      const { storeId } = await server.admin.createStore();
      await kiosk.pair({
        serverUrl: server.url,
        enrollmentCode: await server.admin.enrollmentCode(storeId),
        deviceName: 'Front counter',
      });
      await kiosk.syncNow();
      await server.admin.revoke(kiosk.status().deviceId);
      // A sale while the token is refused stays on the kiosk, waiting.
      kiosk.ledger.checkIn(DEMO, { receiptId: 'R-4001', total: { amount: 800, currency: 'USD' } });

      await page.goto(ownKiosk.url);
      await signIn(page, MANAGER_PIN);
      await page.getByRole('tab', { name: 'Sync' }).click();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await expect(page.getByText('Pairing', { exact: true })).toBeVisible();

      await page.getByRole('tab', { name: 'Settings' }).click();
      await expect(page.getByText('The server no longer accepts this kiosk')).toBeVisible();
      await expect(page.getByLabel('Server address')).toHaveValue(server.url);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: testInfo.outputPath('pair-again.png') });
      await page.getByLabel('Enrolment code').fill(await server.admin.enrollmentCode(storeId));
      await page.getByLabel('Device name').fill('Front counter');
      await page.getByRole('button', { name: 'Pair' }).click();
      await expect(page.getByText('Paired with Corner Café.')).toBeVisible();
      await expect(page.getByText('The server no longer accepts this kiosk')).toHaveCount(0);

      await page.getByRole('tab', { name: 'Sync' }).click();
      await page.getByRole('button', { name: 'Sync now' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Sync finished.' })).toBeVisible();
      await expect(page.getByText('Pairing', { exact: true })).toHaveCount(0);
      // The sale made while revoked reached the server under the same device.
      expect(kiosk.status().ledger.pendingEvents).toBe(0);
      const devices = await server.admin.devices(storeId);
      expect(devices.find((device) => device.deviceId === kiosk.status().deviceId)?.lastSeq).toBe(
        kiosk.ledger.history(DEMO, { limit: 50 })[0]?.seq,
      );
    });
  });
});

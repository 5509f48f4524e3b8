import { CHANNEL_METHODS } from '../../src/shared/ipc-methods';
import { expect, test } from './fixtures';

// From a click in Chromium down to the SQLite ledger, through the browser host and the same
// contract and dispatcher the Electron router uses.

test.describe('kiosk through the browser host', () => {
  test('a check-in is written to the ledger and the page shows the balance', async ({ page, kioskHost }) => {
    const before = kioskHost.kiosk.ledger.history('+12125550147', { limit: 500 }).length;
    await page.goto(kioskHost.url);
    await page.keyboard.type('2125550147');
    await page.getByRole('button', { name: 'Check in' }).click();
    await expect(page.getByRole('status')).toContainText(/\+\d+ points?\. Your balance: [\d,]+ points?\./);
    const events = kioskHost.kiosk.ledger.history('+12125550147', { limit: 500 });
    expect(events.length).toBe(before + 1);
    expect(events[0]?.type).toBe('points.earned');
  });

  test('a number that has not joined is asked to join, and nothing is written', async ({
    page,
    kioskHost,
  }) => {
    await page.goto(kioskHost.url);
    await page.keyboard.type('4155550123');
    await page.getByRole('button', { name: 'Check in' }).click();
    await expect(page.getByRole('checkbox', { name: 'I agree to the program terms' })).toBeVisible();
    expect(() => kioskHost.kiosk.ledger.balance('+14155550123')).toThrow();
  });

  test('window.kiosk has one function per channel and nothing generic', async ({ page, kioskHost }) => {
    await page.goto(kioskHost.url);
    const shape = await page.evaluate(() => {
      const kiosk = (globalThis as unknown as { kiosk: Record<string, unknown> }).kiosk;
      return {
        keys: Object.keys(kiosk).sort(),
        frozen: Object.isFrozen(kiosk),
        replaced: (() => {
          try {
            (globalThis as unknown as { kiosk: unknown }).kiosk = {};
          } catch {
            // strict-mode modules throw; either way it must not change
          }
          return (globalThis as unknown as { kiosk: unknown }).kiosk !== kiosk;
        })(),
      };
    });
    expect(shape.keys).toEqual([...Object.values(CHANNEL_METHODS), 'bridgeVersion'].sort());
    expect(shape.frozen).toBe(true);
    expect(shape.replaced).toBe(false);
    const status = await page.evaluate(() =>
      (globalThis as unknown as { kiosk: { status: () => Promise<unknown> } }).kiosk.status(),
    );
    expect(status).toMatchObject({ ok: true, value: { deviceId: kioskHost.kiosk.ledger.deviceId } });
  });

  test('the API refuses a request without the token, even from the page itself', async ({
    page,
    kioskHost,
  }) => {
    await page.goto(kioskHost.url);
    const status = await page.evaluate(async () => {
      const response = await fetch('./api/v1/kiosk:status', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return response.status;
    });
    expect(status).toBe(401);
  });

  test('the page is served with the CSP header', async ({ page, kioskHost }) => {
    const response = await page.goto(kioskHost.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  test('without a kiosk bridge the screen still works as a preview', async ({ page, staticUrl }) => {
    await page.goto(staticUrl);
    await page.getByRole('button', { name: 'Touch to start' }).click();
    await page.keyboard.type('4155550123');
    await page.getByRole('button', { name: 'Check in' }).click();
    await expect(page.getByRole('alert')).toHaveText(
      'This is a preview of the screen: it does not record points.',
    );
  });
});

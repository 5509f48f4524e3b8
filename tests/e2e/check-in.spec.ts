import { axeViolations } from './axe';
import { expect, test } from './fixtures';

// Smoke test of the built check-in screen in a real Chromium.

test.describe('check-in screen', () => {
  test('shows the phone field and enables Check in only for a valid number', async ({
    page,
    rendererUrl,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
    });

    await page.goto(rendererUrl);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check in for points');
    const phone = page.getByLabel('Phone number');
    const checkIn = page.getByRole('button', { name: 'Check in' });
    await expect(phone).toBeVisible();
    await expect(checkIn).toBeDisabled();

    // Too short: still disabled, with a reason a person can read.
    await phone.fill('415 555');
    await expect(checkIn).toBeDisabled();
    await expect(page.getByText('That number has too few digits.')).toBeVisible();

    // The demo customer has joined: the check-in goes through window.kiosk down to SQLite.
    await phone.fill('(212) 555-0147');
    await expect(checkIn).toBeEnabled();
    await checkIn.click();
    await expect(page.getByRole('status')).toContainText('0147 checked in');
    await expect(phone).toHaveValue('');
    await expect(checkIn).toBeDisabled();

    expect(errors).toEqual([]);
  });

  test('ships a Content-Security-Policy that allows only its own scripts', async ({ page, rendererUrl }) => {
    await page.goto(rendererUrl);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });
});

test.describe('accessibility (axe-core)', () => {
  // axe is injected as an inline script, which the page's own CSP rightly refuses.
  test.use({ bypassCSP: true });

  test('has no serious or critical violations, empty or with an invalid number', async ({
    page,
    rendererUrl,
  }) => {
    // Located by name, not by label, so a lost label is reported by axe rather than by a locator.
    await page.goto(rendererUrl);
    const phone = page.locator('input[name="phone"]');
    await expect(phone).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);

    await phone.fill('12');
    await expect(page.getByRole('button', { name: 'Check in' })).toBeDisabled();
    expect(await axeViolations(page)).toEqual([]);
  });
});

import { axeViolations } from './axe';
import { expect, test } from './fixtures';

// Smoke test of the built check-in screen in a real Chromium: the phone field, the number checked
// as typed, the page's CSP, and axe under that CSP (the helper evaluates axe through DevTools).

test.describe('check-in screen', () => {
  test('enables Check in only for a valid number and says why a number is wrong', async ({
    page,
    rendererUrl,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 500) errors.push(`${response.status()} ${response.url()}`);
    });

    await page.goto(rendererUrl);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check in for points');
    await page.getByRole('button', { name: 'Touch to start' }).click();
    const phone = page.getByRole('textbox', { name: 'Phone number' });
    const checkIn = page.getByRole('button', { name: 'Check in' });
    await expect(phone).toBeVisible();
    await expect(phone).toHaveAttribute('inputmode', 'none');
    await expect(checkIn).toBeDisabled();

    // Short: disabled, and nothing scolds a number that is still being typed.
    await page.keyboard.type('415555');
    await expect(phone).toHaveValue('(415) 555');
    await expect(checkIn).toBeDisabled();
    await expect(phone).not.toHaveAttribute('aria-invalid', 'true');

    // Too long: disabled, with a reason a person can read, tied to the field.
    await page.keyboard.type('01234567');
    await expect(checkIn).toBeDisabled();
    await expect(phone).toHaveAccessibleDescription('That number has too many digits.');

    // Pasted text keeps its digits: the demo customer checks in, down to SQLite.
    await phone.fill('(212) 555-0147');
    await expect(phone).toHaveValue('(212) 555-0147');
    await expect(checkIn).toBeEnabled();
    await checkIn.click();
    await expect(page.getByRole('status')).toContainText(/\+0 points\. Your balance: \d+ points?\./);

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

test.describe('accessibility (axe-core, under the page CSP)', () => {
  test('attract, keypad empty and with an invalid number: no serious or critical violations', async ({
    page,
    rendererUrl,
  }) => {
    await page.goto(rendererUrl);
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Touch to start' }).click();
    // Located by name, not by label, so a lost label is reported by axe rather than by a locator.
    const phone = page.locator('input[name="phone"]');
    await expect(phone).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);

    await page.keyboard.type('1234567890123');
    await expect(phone).toHaveAttribute('aria-invalid', 'true');
    expect(await axeViolations(page)).toEqual([]);
  });

  test('the axe helper really reports violations on this page', async ({ page, rendererUrl }) => {
    await page.goto(rendererUrl);
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeVisible();
    await page.evaluate(() => {
      const main = document.querySelector('main');
      main?.prepend(document.createElement('button'));
      const faint = document.createElement('p');
      faint.textContent = 'Faint text';
      faint.style.color = '#eeeeee';
      main?.prepend(faint);
    });
    const violations = await axeViolations(page);
    expect(violations.some((line) => line.startsWith('button-name'))).toBe(true);
    expect(violations.some((line) => line.startsWith('color-contrast'))).toBe(true);
  });
});

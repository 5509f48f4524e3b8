import type { Page, TestInfo } from '@playwright/test';
import { axeViolations } from './axe';
import { expect, startKioskHost, test as base, type KioskHost } from './fixtures';

// The customer check-in screen in Chromium, from the attract state to the ledger: joining, a POS
// sale, the cooldown, "No thanks", the idle reset, keyboard only, and Spanish. Each test gets its
// own kiosk (a SQLite ledger in a temp folder, a US store, the demo customer (212) 555-0147 "Sam").

const POS_TOKEN = 'e2e-customer-pos-token-0123456789';

type Host = KioskHost & { posUrl: string };

const test = base.extend<{ host: Host }>({
  host: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring
    async ({}, use) => {
      const host = await startKioskHost({
        folderPrefix: 'kiosk-e2e-customer-',
        pos: { enabled: true, host: '127.0.0.1', port: 0, token: POS_TOKEN, saleTtlSeconds: 300 },
      });
      const api = await host.kiosk.pos.api;
      if (!api) throw new Error('The POS API did not start.');
      await use({ url: host.url, kiosk: host.kiosk, posUrl: api.url });
      await host.close();
    },
    { scope: 'test' },
  ],
});

/** Posts a sale the way a POS does (POST /v1/sales); `dollars` in whole units. */
async function postSale(
  host: Host,
  receiptId: string,
  dollars: number,
): Promise<{ wouldEarn: { points: number } }> {
  const response = await fetch(`${host.posUrl.replace(/\/+$/, '')}/v1/sales`, {
    method: 'POST',
    headers: { authorization: `Bearer ${POS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ receiptId, total: { amount: dollars * 100, currency: 'USD' } }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { wouldEarn: { points: number } };
}

/** The program with some changes (a new version, as the manager or the server would set it). */
function changeProgram(host: Host, change: (program: Host['kiosk']['ledger']['program']) => object): void {
  const program = host.kiosk.ledger.program;
  host.kiosk.ledger.setProgram({ ...program, ...change(program), version: program.version + 1 });
}

async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}

/** Nothing scrolls and every button is wholly on screen, at least 48 × 48 px. */
async function expectFits(page: Page): Promise<void> {
  const layout = await page.evaluate(() => {
    const frame = document.querySelector('.kiosk-frame');
    const buttons = [...document.querySelectorAll('button, input')].map((element) => {
      const box = element.getBoundingClientRect();
      return {
        name: element.textContent || element.getAttribute('name') || element.id,
        inView: box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth,
        bigEnough: box.width >= 48 && box.height >= 48,
      };
    });
    return {
      scrolls: frame
        ? frame.scrollHeight > frame.clientHeight || frame.scrollWidth > frame.clientWidth
        : true,
      offScreen: buttons.filter((b) => !b.inView).map((b) => b.name),
      small: buttons.filter((b) => !b.bigEnough).map((b) => b.name),
    };
  });
  expect(layout).toEqual({ scrolls: false, offScreen: [], small: [] });
}

/** Types a number on the on-screen keypad, digit by digit. */
async function tapNumber(page: Page, digits: string): Promise<void> {
  for (const digit of digits) await page.getByRole('button', { name: digit, exact: true }).click();
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A refusal (not enrolled: 422) is an answer the screen handles, not an error of the page.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  return errors;
}

test.describe('customer check-in screen', () => {
  test('a new customer joins and earns points', async ({ page, host }, testInfo) => {
    const errors = watchErrors(page);
    changeProgram(host, () => ({ earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 10, minimumSpend: 0 } }));
    await page.goto(host.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check in for points');
    await expectAccessible(page);
    await snap(page, testInfo, 'attract');

    await page.getByRole('button', { name: 'Touch to start' }).click();
    const phone = page.getByRole('textbox', { name: 'Phone number' });
    const checkIn = page.getByRole('button', { name: 'Check in' });
    await expect(phone).toBeVisible();
    await expect(checkIn).toBeDisabled();
    await tapNumber(page, '41555501');
    await expect(phone).toHaveValue('(415) 555-01');
    await expect(checkIn).toBeDisabled();
    await tapNumber(page, '39');
    await page.getByRole('button', { name: 'Delete' }).click();
    await tapNumber(page, '1');
    await expect(phone).toHaveValue('(415) 555-0131');
    await expect(checkIn).toBeEnabled();
    await expectAccessible(page);
    await snap(page, testInfo, 'keypad');

    await checkIn.click();
    const terms = page.getByRole('checkbox', { name: 'I agree to the program terms' });
    const sms = page.getByRole('checkbox', { name: 'Text me offers' });
    const join = page.getByRole('button', { name: 'Join' });
    await expect(terms).not.toBeChecked();
    await expect(sms).not.toBeChecked();
    await expect(join).toBeDisabled();
    await expect(page.getByRole('button', { name: 'No thanks' })).toBeEnabled();
    await expectAccessible(page);
    await snap(page, testInfo, 'join');

    await terms.check();
    await join.click();
    const result = page.getByRole('status');
    await expect(result).toHaveText('+10 points. Your balance: 10 points.');
    await expect(page.getByText('Checked in as ••• 0131')).toBeVisible();
    await expect(page.getByRole('progressbar', { name: 'Progress to Reward at 100 points' })).toHaveAttribute(
      'aria-valuenow',
      '10',
    );
    await expect(page.getByText('90 more points to Reward at 100 points.')).toBeVisible();
    // Never the whole number on a screen other customers can see.
    await expect(page.locator('body')).not.toContainText('555-0131');
    await expectAccessible(page);
    await snap(page, testInfo, 'result');

    const ledger = host.kiosk.ledger;
    expect(ledger.balance('+14155550131')).toMatchObject({ provisional: 10 });
    const types = ledger.history('+14155550131', { limit: 10 }).map((event) => event.type);
    expect(types.sort()).toEqual(['customer.enrolled', 'points.earned']);
    const enrolled = ledger
      .history('+14155550131', { limit: 10 })
      .find((e) => e.type === 'customer.enrolled');
    expect(enrolled?.payload).toMatchObject({ consent: { terms: true, sms: false } });

    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('a regular customer checks in on a POS sale and is told first what it earns', async ({
    page,
    host,
  }, testInfo) => {
    await page.goto(host.url);
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeVisible();
    const before = host.kiosk.ledger.balance('+12125550147').provisional;

    const sale = await postSale(host, 'CUST-E2E-1', 42);
    expect(sale.wouldEarn.points).toBe(42);
    await expect(page.getByText('Enter your number to earn 42 points on this purchase.')).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Phone number' })).toBeFocused();
    await snap(page, testInfo, 'keypad-sale');

    await tapNumber(page, '2125550147');
    await page.getByRole('button', { name: 'Check in' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thanks, Sam!');
    await expect(page.getByRole('status')).toHaveText(`+42 points. Your balance: ${before + 42} points.`);
    await expect(page.getByText(/on this purchase/)).toHaveCount(0);
    await snap(page, testInfo, 'result-sale');

    const [earned] = host.kiosk.ledger.history('+12125550147', { limit: 1 });
    expect(earned).toMatchObject({ type: 'points.earned', payload: { receiptId: 'CUST-E2E-1', points: 42 } });
    // The sale is spent: back to the attract state, not to its invitation.
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeVisible();
    await expect(page.getByText(/on this purchase/)).toHaveCount(0);
  });

  test('a promotion shows in short on the invitation and under the points earned', async ({
    page,
    host,
  }, testInfo) => {
    const errors = watchErrors(page);
    // On every day (no "days"), so the test does not depend on the weekday it runs.
    changeProgram(host, () => ({
      earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 0, minimumSpend: 0 },
      promotions: {
        combine: 'best',
        offers: [
          {
            id: 'double-week',
            name: 'Double points all week',
            label: '2× this week',
            effect: { kind: 'multiply', percent: 200 },
            minimumSpend: 0,
          },
        ],
      },
    }));
    await page.goto(host.url);
    const before = host.kiosk.ledger.balance('+12125550147').provisional;

    const sale = await postSale(host, 'CUST-E2E-PROMO', 21);
    expect(sale.wouldEarn.points).toBe(42);
    await expect(page.getByText('Enter your number to earn 42 points on this purchase.')).toBeVisible();
    const invitation = page.getByRole('list', { name: 'Where the points come from' });
    await expect(invitation.getByRole('listitem')).toHaveText(['$21.00 spent +21', '2× this week +21']);
    await expectAccessible(page);
    await expectFits(page);
    await snap(page, testInfo, 'keypad-promotion');

    await tapNumber(page, '2125550147');
    await page.getByRole('button', { name: 'Check in' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thanks, Sam!');
    // The live sentence stays the numbers only; the labels are below it.
    await expect(page.getByRole('status')).toHaveText(`+42 points. Your balance: ${before + 42} points.`);
    const why = page.getByRole('list', { name: 'Where the points come from' });
    await expect(why.getByRole('listitem')).toHaveText(['$21.00 spent +21', '2× this week +21']);
    await expectAccessible(page);
    await expectFits(page);
    await snap(page, testInfo, 'result-promotion');

    const [earned] = host.kiosk.ledger.history('+12125550147', { limit: 1 });
    expect(earned?.type).toBe('points.earned');
    if (earned?.type !== 'points.earned') return;
    expect(earned.payload.explanation?.map((line) => line.label)).toEqual(['$21.00 spent', '2× this week']);
    expect(errors).toEqual([]);
  });

  test('a second visit inside the cooldown gets a friendly message and no points', async ({
    page,
    host,
  }, testInfo) => {
    changeProgram(host, () => ({ checkIns: { cooldownMinutes: 60, maxPerDay: null } }));
    host.kiosk.ledger.checkIn('(212) 555-0147', null);
    const events = host.kiosk.ledger.history('+12125550147', { limit: 500 }).length;

    await page.goto(host.url);
    await page.keyboard.type('2125550147');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('You have already checked in');
    await expect(page.getByRole('status')).toContainText(
      /^You checked in a moment ago, so no points this time\. You can check in again at \d{1,2}:\d{2}\s?[AP]M\.$/,
    );
    await expect(page.locator('body')).not.toContainText(/\d{4}-\d{2}-\d{2}T/);
    await expectAccessible(page);
    await snap(page, testInfo, 'cooldown');
    expect(host.kiosk.ledger.history('+12125550147', { limit: 500 }).length).toBe(events);
  });

  test('"No thanks" leaves without enrolling and writes nothing', async ({ page, host }) => {
    const totals = host.kiosk.ledger.dayTotals(host.kiosk.today());
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Touch to start' }).click();
    await tapNumber(page, '4155550132');
    await page.getByRole('button', { name: 'Check in' }).click();
    await page.getByRole('checkbox', { name: 'Text me offers' }).check();
    await page.getByRole('button', { name: 'No thanks' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check in for points');
    await expect(page.locator('body')).not.toContainText('0132');
    expect(() => host.kiosk.ledger.balance('+14155550132')).toThrow();
    expect(host.kiosk.ledger.dayTotals(host.kiosk.today())).toEqual(totals);
  });

  test('after 30 s idle the screen returns to attract and no phone digit is left in the DOM', async ({
    page,
    host,
  }) => {
    await page.clock.install();
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Touch to start' }).click();
    await tapNumber(page, '2125550147');
    await page.getByRole('button', { name: 'Check in' }).click();
    await expect(page.getByRole('status')).toContainText('Your balance');
    await expect(page.getByText('Checked in as ••• 0147')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thanks, Sam!');

    await page.clock.fastForward(20_000);
    await expect(page.getByRole('status')).toContainText('Your balance');
    await page.clock.fastForward(11_000);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check in for points');
    const html = await page.content();
    expect(html).not.toContain('0147');
    expect(html).not.toContain('Sam');
    expect(html).not.toMatch(/555/);
    await expect(page.getByRole('status')).toHaveText('');

    // A half-typed number is forgotten too.
    await page.keyboard.type('41555');
    await expect(page.getByRole('textbox', { name: 'Phone number' })).toHaveValue('(415) 55');
    await page.clock.fastForward(31_000);
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeVisible();
    expect(await page.content()).not.toMatch(/415|\(41/);
  });

  test('the idle timeout is the display setting: 10 s forgets a half-typed number', async ({
    page,
    host,
  }) => {
    host.kiosk.updateDisplay({ ...host.kiosk.status().display, idleTimeoutSeconds: 10 });
    await page.clock.install();
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Touch to start' }).click();
    await page.keyboard.type('212555');
    await expect(page.getByRole('textbox', { name: 'Phone number' })).toHaveValue('(212) 555');
    await page.clock.fastForward(9_000);
    await expect(page.getByRole('textbox', { name: 'Phone number' })).toHaveValue('(212) 555');
    await page.clock.fastForward(2_000);
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeVisible();
    expect(await page.content()).not.toContain('555');
  });

  for (const [width, height] of [
    [1024, 768],
    [1920, 1080],
  ] as const) {
    test(`fits ${width}×${height} without scrolling, in long strings and right to left`, async ({
      page,
      host,
    }, testInfo) => {
      await page.setViewportSize({ width, height });
      for (const [index, locale] of ['en', 'en-XA', 'ar-XB', 'es'].entries()) {
        await page.goto(`${host.url}?locale=${locale}`);
        await expect(page.locator('.attract')).toBeVisible();
        await expectFits(page);
        await snap(page, testInfo, `attract-${locale}-${width}`);

        await postSale(host, `FIT-${width}-${locale}`, 25);
        const phone = page.locator('input[name="phone"]');
        await expect(phone).toBeVisible();
        await page.keyboard.type('415555014');
        await expectFits(page);
        await snap(page, testInfo, `keypad-${locale}-${width}`);

        await page.keyboard.type(String(index));
        await page.keyboard.press('Enter');
        await expect(page.getByRole('checkbox').first()).toBeVisible();
        await expectFits(page);
        await snap(page, testInfo, `join-${locale}-${width}`);

        await page.getByRole('checkbox').first().check();
        await page.locator('.join-actions .primary').click();
        await expect(page.getByRole('progressbar')).toBeVisible();
        await expectFits(page);
        await snap(page, testInfo, `result-${locale}-${width}`);
      }
    });
  }

  test('a customer checks in with the keyboard alone', async ({ page, host }) => {
    changeProgram(host, () => ({ earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 5, minimumSpend: 0 } }));
    await page.goto(host.url);
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeFocused();
    await page.keyboard.press('Enter');
    const phone = page.getByRole('textbox', { name: 'Phone number' });
    await expect(phone).toBeFocused();
    await page.keyboard.type('4155550133');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('3');
    await expect(phone).toHaveValue('(415) 555-0133');
    // Tab to "Check in" through the keypad and press it.
    const checkIn = page.getByRole('button', { name: 'Check in' });
    for (let i = 0; i < 20 && !(await checkIn.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(checkIn).toBeFocused();
    await page.keyboard.press('Enter');

    // Joining: Tab to the terms, Space ticks it, Tab past the offers, Enter on Join.
    const terms = page.getByRole('checkbox', { name: 'I agree to the program terms' });
    await expect(terms).toBeVisible();
    await page.keyboard.press('Tab');
    await expect(terms).toBeFocused();
    await page.keyboard.press('Space');
    await expect(terms).toBeChecked();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('checkbox', { name: 'Text me offers' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'No thanks' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Join' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status')).toHaveText('+5 points. Your balance: 5 points.');
    await expect(page.getByRole('button', { name: 'Done' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeFocused();
    expect(host.kiosk.ledger.balance('+14155550133')).toMatchObject({ provisional: 5 });
  });

  test('a digit typed on the attract screen opens the keypad with it', async ({ page, host }) => {
    await page.goto(host.url);
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeVisible();
    await page.keyboard.press('4');
    await expect(page.getByRole('textbox', { name: 'Phone number' })).toHaveValue('4');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('button', { name: 'Touch to start' })).toBeVisible();
  });

  test('in Spanish the screen speaks Spanish and formats numbers the Spanish way', async ({
    page,
    host,
  }, testInfo) => {
    const ledger = host.kiosk.ledger;
    ledger.enroll(
      '(415) 555-0134',
      { terms: true, termsVersion: ledger.program.termsVersion, sms: false },
      'Ana',
    );
    ledger.checkIn('(415) 555-0134', { receiptId: 'ES-1', total: { amount: 1_234_500, currency: 'USD' } });
    await postSale(host, 'ES-2', 1000);

    await page.goto(`${host.url}?locale=es`);
    await expect(page.getByText('Escriba su número para ganar 1000 puntos con esta compra.')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Escriba su número de teléfono');
    await page.keyboard.type('4155550134');
    await page.getByRole('button', { name: 'Registrar visita' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('¡Gracias, Ana!');
    await expect(page.getByRole('status')).toHaveText('+1000 puntos. Su saldo: 13.345 puntos.');
    // Why, in Spanish too: the catalog's short text for the line's message, the money as Intl gives it for es.
    const spent = await page.evaluate(() =>
      new Intl.NumberFormat('es', { style: 'currency', currency: 'USD' }).format(1000),
    );
    const why = page.getByRole('list', { name: 'De dónde vienen los puntos' });
    await expect(why.getByRole('listitem')).toHaveText([`${spent} gastados +1000`]);
    await expect(page.getByRole('button', { name: 'Listo' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Personal' })).toBeVisible();
    await expectAccessible(page);
    await snap(page, testInfo, 'result-es');
  });

  test('"Staff" opens the staff area', async ({ page, host }) => {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Staff' }).click();
    await expect(page.getByRole('button', { name: 'Touch to start' })).toHaveCount(0);
  });
});

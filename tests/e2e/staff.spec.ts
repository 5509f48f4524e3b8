import { axeViolations } from './axe';
import { expect, expectNoHorizontalOverflow, MANAGER_PIN, seedStaff, signIn, test } from './server-fixture';

// The way in to the staff screens: the first manager PIN, the PIN pad, the lock after 5 wrong
// PINs, "Back" and the 2-minute idle sign-out. Each test has a kiosk of its own.

test.describe('staff sign-in', () => {
  test('the first time, Staff asks to set a manager PIN, then the PIN signs in', async ({
    page,
    ownKiosk,
  }, testInfo) => {
    await page.goto(ownKiosk.url);
    await page.getByRole('button', { name: 'Staff', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Set the manager PIN' })).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('setup-manager.png') });

    // Mistakes are announced and nothing is saved.
    await page.getByLabel('Manager name').fill('Maria');
    await page.getByLabel('New PIN').fill('1234');
    await page.getByLabel('Confirm PIN').fill('1243');
    await page.getByRole('button', { name: 'Set manager PIN' }).click();
    await expect(page.getByRole('alert')).toHaveText('The two PINs are not the same.');
    expect(ownKiosk.kiosk.staff.state().managerPinSet).toBe(false);

    await page.getByLabel('Confirm PIN').fill('1234');
    await page.getByRole('button', { name: 'Set manager PIN' }).click();
    await expect(page.getByText('Signed in as Maria, manager')).toBeVisible();
    await expect(page.getByRole('tab')).toHaveText([
      'Customers',
      'Today',
      'Close day',
      'Sync',
      'Settings',
      'Staff',
    ]);
    expect(ownKiosk.kiosk.staff.state().managerPinSet).toBe(true);

    // Signed out: the customer screen; Staff now asks for the PIN, typed on a physical keyboard.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Staff', exact: true })).toBeVisible();
    expect(ownKiosk.kiosk.staff.state().session).toBeNull();
    await page.getByRole('button', { name: 'Staff', exact: true }).click();
    const pin = page.getByLabel('PIN', { exact: true });
    await expect(pin).toBeFocused();
    await expect(pin).toHaveAttribute('type', 'password');
    await expect(pin).toHaveAttribute('inputmode', 'none');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('pin-pad.png') });
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await expect(page.getByText('Signed in as Maria, manager')).toBeVisible();

    // Keyboard only: focus starts on the first tab; arrow keys, Home and End move between tabs.
    await expect(page.getByRole('tab', { name: 'Customers' })).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Today' })).toBeFocused();
    await expect(page.getByRole('tab', { name: 'Today' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tabpanel', { name: 'Today' })).toBeVisible();
    await page.keyboard.press('End');
    await expect(page.getByRole('tab', { name: 'Staff' })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Home');
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Phone number')).toBeFocused();
  });

  test('5 wrong PINs lock sign-in, even for the right PIN', async ({ page, ownKiosk }, testInfo) => {
    await seedStaff(ownKiosk.kiosk);
    await page.goto(ownKiosk.url);
    await page.getByRole('button', { name: 'Staff', exact: true }).click();
    const pin = page.getByLabel('PIN', { exact: true });
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await pin.fill('0000');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert')).toContainText('That PIN is not right.');
      await expect(page.getByRole('alert')).toContainText(`${5 - attempt} more wrong PIN`);
    }
    await pin.fill('0000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('Staff sign-in is locked until');
    expect(ownKiosk.kiosk.staff.state().lockedUntil).not.toBeNull();

    // The right PIN is refused while locked; the delete key and the keypad still work.
    const keypad = page.getByRole('group', { name: 'Keypad' });
    for (const digit of MANAGER_PIN + '9')
      await keypad.getByRole('button', { name: digit, exact: true }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(pin).toHaveValue(MANAGER_PIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('locked until');
    expect(ownKiosk.kiosk.staff.state().session).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('pin-locked.png') });

    // The customer screen is never blocked by it.
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(page.getByRole('button', { name: 'Staff', exact: true })).toBeVisible();
  });

  test('2 minutes without input sign staff out and return to the customer screen', async ({
    page,
    ownKiosk,
  }) => {
    await seedStaff(ownKiosk.kiosk);
    await page.clock.install();
    await page.goto(ownKiosk.url);
    await signIn(page, MANAGER_PIN);
    await page.clock.fastForward('01:50');
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await page.getByRole('tab', { name: 'Today' }).click();
    await page.clock.fastForward('01:50');
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await page.clock.fastForward('00:15');
    await expect(page.getByRole('button', { name: 'Staff', exact: true })).toBeVisible();
    await expect.poll(() => ownKiosk.kiosk.staff.state().session).toBeNull();
  });

  test('a session main has ended goes back to the PIN pad and says why', async ({ page, ownKiosk }) => {
    await seedStaff(ownKiosk.kiosk);
    await page.clock.install();
    await page.goto(ownKiosk.url);
    await signIn(page, MANAGER_PIN);
    ownKiosk.kiosk.staff.signOut();
    await page.clock.fastForward('00:11');
    await expect(page.getByRole('alert')).toHaveText(
      'You were signed out after 2 minutes without a staff action. Sign in again.',
    );
    await expect(page.getByLabel('PIN', { exact: true })).toBeVisible();
    await page.getByLabel('PIN', { exact: true }).fill(MANAGER_PIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  for (const locale of ['ar-XB', 'en-XA'] as const) {
    test(`the PIN pad and the manager's tabs keep their layout in ${locale}`, async ({
      page,
      ownKiosk,
    }, testInfo) => {
      await seedStaff(ownKiosk.kiosk);
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.goto(`${ownKiosk.url}?locale=${locale}`);
      await page.locator('.staff-button').click();
      await expect(page.locator('#staff-pin')).toBeVisible();
      await expectNoHorizontalOverflow(page);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: testInfo.outputPath(`pin-pad-${locale}.png`) });
      await page.locator('#staff-pin').fill(MANAGER_PIN);
      await page.keyboard.press('Enter');
      await expect(page.getByRole('tab')).toHaveCount(6);
      for (const index of [0, 2, 3, 4, 5]) {
        await page.getByRole('tab').nth(index).click();
        await expect(page.getByRole('tabpanel')).toBeVisible();
        await expectNoHorizontalOverflow(page);
        expect(await axeViolations(page)).toEqual([]);
      }
      await page.screenshot({ path: testInfo.outputPath(`staff-tab-${locale}.png`), fullPage: true });
    });
  }
});

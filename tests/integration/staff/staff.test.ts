import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type Db } from '../../../src/main/db/connection';
import { createStaffService, LOCK_MS, SESSION_IDLE_MS, type StaffService } from '../../../src/main/staff';
import { ShellError } from '../../../src/shared/ipc';

// The staff module on a real SQLite file, with an injected clock: nothing sleeps.

let dir: string;
let file: string;
let db: Db;
let now: number;
let staff: StaffService;

const clock = () => new Date(now);
const open = () => createStaffService({ db, clock, newId: uuidv7, timeZone: () => 'America/New_York' });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-staff-'));
  file = join(dir, 'ledger.db');
  db = openDatabase(file);
  now = Date.parse('2026-11-23T15:00:00.000Z');
  staff = open();
});

afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The ShellError code a call is refused with (or 'none'). */
async function refusal(work: () => unknown): Promise<string> {
  try {
    await work();
    return 'none';
  } catch (error) {
    if (error instanceof ShellError) return error.code;
    throw error;
  }
}

async function seed() {
  await staff.setupManager('Morgan', '2468');
  const cashier = await staff.save({ name: 'Casey', role: 'cashier', pin: '1357' });
  staff.signOut();
  return { cashier, manager: staff.list().find((m) => m.role === 'manager')! };
}

describe('PINs', () => {
  it('are stored as a scrypt hash with its own salt: never the PIN, and equal PINs hash apart', async () => {
    await staff.setupManager('Morgan', '2468');
    const rows = db
      .prepare('SELECT staff_id, pin_salt, pin_hash, scrypt_n, scrypt_r, scrypt_p FROM staff_members')
      .all() as {
      pin_salt: Buffer;
      pin_hash: Buffer;
      scrypt_n: number;
      scrypt_r: number;
      scrypt_p: number;
    }[];
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ scrypt_n: 16_384, scrypt_r: 8, scrypt_p: 1 });
    expect(row!.pin_salt).toHaveLength(16);
    expect(row!.pin_hash).toHaveLength(32);
    expect(row!.pin_hash.toString('hex')).not.toContain(Buffer.from('2468').toString('hex'));
    expect(row!.pin_hash.toString('utf8')).not.toContain('2468');

    // The same PIN for another member is refused (pin_in_use); once the first member's PIN
    // changes, the second may have it, and its hash differs from the first one's old hash.
    const oldHash = row!.pin_hash;
    expect(await refusal(() => staff.save({ name: 'Casey', role: 'cashier', pin: '2468' }))).toBe(
      'pin_in_use',
    );
    const manager = staff.list()[0]!;
    await staff.save({ staffId: manager.staffId, name: 'Morgan', role: 'manager', pin: '8642' });
    const casey = await staff.save({ name: 'Casey', role: 'cashier', pin: '2468' });
    const caseyRow = db
      .prepare('SELECT pin_salt, pin_hash FROM staff_members WHERE staff_id = ?')
      .get(casey.staffId) as {
      pin_salt: Buffer;
      pin_hash: Buffer;
    };
    expect(caseyRow.pin_hash.equals(oldHash)).toBe(false);
    expect(caseyRow.pin_salt.equals(row!.pin_salt)).toBe(false);

    // Nothing the database holds contains the PIN as text.
    const dump = JSON.stringify(db.prepare('SELECT * FROM staff_members').all());
    expect(dump).not.toMatch(/2468|8642/);
  });

  it('are unique: the PIN alone decides who signs in', async () => {
    const { cashier } = await seed();
    expect(await refusal(() => staff.save({ name: 'Robin', role: 'cashier', pin: '1357' }))).toBe(
      'pin_in_use',
    );
    expect(await refusal(() => staff.save({ name: 'Robin', role: 'manager', pin: '2468' }))).toBe(
      'pin_in_use',
    );
    // A member may keep their own PIN when saved again.
    expect(
      await refusal(() =>
        staff.save({ staffId: cashier.staffId, name: 'Casey B', role: 'cashier', pin: '1357' }),
      ),
    ).toBe('none');
    expect((await staff.signIn('1357')).session).toMatchObject({ name: 'Casey B', role: 'cashier' });
    expect((await staff.signIn('2468')).session).toMatchObject({ name: 'Morgan', role: 'manager' });
  });
});

describe('the first manager', () => {
  it('can be set only while no manager exists, and is signed in at once', async () => {
    expect(staff.state()).toEqual({
      managerPinSet: false,
      session: null,
      lockedUntil: null,
      attemptsLeft: 5,
    });
    const state = await staff.setupManager('Morgan', '2468');
    expect(state).toMatchObject({ managerPinSet: true, session: { name: 'Morgan', role: 'manager' } });
    expect(state.session?.staffId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(await refusal(() => staff.setupManager('Other', '9999'))).toBe('manager_pin_exists');
    expect(staff.list()).toHaveLength(1);
  });
});

describe('wrong PINs', () => {
  it('5 in a row lock sign-in for 5 minutes: the 6th try is refused even with the right PIN', async () => {
    await seed();
    for (let attempt = 1; attempt <= 4; attempt++) {
      const error = await staff.signIn('0000').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'wrong_pin' });
      expect((error as Error).message).toContain(`${5 - attempt} more wrong PIN`);
      expect(staff.state().attemptsLeft).toBe(5 - attempt);
    }
    const fifth = await staff.signIn('0000').catch((e: unknown) => e);
    expect(fifth).toMatchObject({ code: 'staff_locked' });
    // The store's own clock: 15:05 UTC is 10:05 in New York.
    expect((fifth as Error).message).toContain('locked until 10:05');
    expect(staff.state()).toMatchObject({
      lockedUntil: new Date(now + LOCK_MS).toISOString(),
      attemptsLeft: 0,
      session: null,
    });

    expect(await refusal(() => staff.signIn('2468'))).toBe('staff_locked');
    now += LOCK_MS - 1_000;
    expect(await refusal(() => staff.signIn('2468'))).toBe('staff_locked');
    now += 1_000;
    expect((await staff.signIn('2468')).session).toMatchObject({ role: 'manager' });
    expect(staff.state()).toMatchObject({ lockedUntil: null, attemptsLeft: 5 });
  });

  it('a right PIN resets the count', async () => {
    await seed();
    for (let i = 0; i < 4; i++) await staff.signIn('0000').catch(() => undefined);
    await staff.signIn('1357');
    expect(staff.state().attemptsLeft).toBe(5);
    for (let i = 0; i < 4; i++) await staff.signIn('0000').catch(() => undefined);
    expect(await refusal(() => staff.signIn('1357'))).toBe('none');
  });

  it('the lock and the count survive reopening the database (a restart)', async () => {
    await seed();
    for (let i = 0; i < 3; i++) await staff.signIn('0000').catch(() => undefined);
    db.close();
    db = openDatabase(file);
    staff = open();
    expect(staff.state().attemptsLeft).toBe(2);
    for (let i = 0; i < 2; i++) await staff.signIn('0000').catch(() => undefined);
    db.close();
    db = openDatabase(file);
    staff = open();
    expect(staff.state().lockedUntil).toBe(new Date(now + LOCK_MS).toISOString());
    expect(await refusal(() => staff.signIn('2468'))).toBe('staff_locked');
    now += LOCK_MS;
    expect(await refusal(() => staff.signIn('2468'))).toBe('none');
  });
});

describe('the session', () => {
  it('ends 2 minutes after the last authorised call, and at sign-out', async () => {
    await seed();
    await staff.signIn('1357');
    now += SESSION_IDLE_MS - 1;
    expect(staff.authorise('staff')).toMatchObject({ name: 'Casey' });
    now += SESSION_IDLE_MS - 1;
    expect(staff.session()).not.toBeNull();
    // Public calls (the screen's polling) do not keep it alive.
    staff.authorise('public');
    now += 1;
    expect(staff.session()).toBeNull();
    expect(await refusal(() => staff.authorise('staff'))).toBe('staff_required');
    expect(staff.state().session).toBeNull();

    await staff.signIn('2468');
    expect(staff.authorise('manager')).toMatchObject({ role: 'manager' });
    staff.signOut();
    expect(await refusal(() => staff.authorise('manager'))).toBe('manager_required');
  });

  it('a cashier is refused manager channels', async () => {
    await seed();
    await staff.signIn('1357');
    expect(await refusal(() => staff.authorise('manager'))).toBe('manager_required');
    expect(staff.authorise('staff')).toMatchObject({ role: 'cashier' });
  });

  it('a wrong PIN ends the session of whoever was signed in', async () => {
    await seed();
    await staff.signIn('2468');
    await staff.signIn('0000').catch(() => undefined);
    expect(staff.session()).toBeNull();
  });
});

describe('managers', () => {
  it('the last manager can be neither removed nor demoted; with two, one can go', async () => {
    const { manager, cashier } = await seed();
    expect(await refusal(() => staff.remove(manager.staffId))).toBe('last_manager');
    expect(
      await refusal(() => staff.save({ staffId: manager.staffId, name: 'Morgan', role: 'cashier' })),
    ).toBe('last_manager');
    expect(staff.list().find((m) => m.staffId === manager.staffId)?.role).toBe('manager');

    await staff.save({ staffId: cashier.staffId, name: 'Casey', role: 'manager' });
    await staff.signIn('2468');
    expect(staff.remove(manager.staffId)).toEqual({ removed: true });
    // Removing the signed-in member ends the session; their PIN no longer signs in.
    expect(staff.session()).toBeNull();
    expect(await refusal(() => staff.signIn('2468'))).toBe('wrong_pin');
    expect(staff.list().map((m) => [m.name, m.role])).toEqual([['Casey', 'manager']]);
    expect(await refusal(() => staff.remove(cashier.staffId))).toBe('last_manager');
    expect(staff.remove(manager.staffId)).toEqual({ removed: false });
  });

  it('unknown members and a new member without a PIN are refused', async () => {
    await seed();
    expect(
      await refusal(() => staff.save({ staffId: uuidv7(), name: 'Ghost', role: 'cashier', pin: '5555' })),
    ).toBe('unknown_staff');
    await expect(staff.save({ name: 'No pin', role: 'cashier' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'pin',
    });
  });
});

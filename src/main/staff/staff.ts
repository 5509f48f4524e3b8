import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Db } from '../db/connection';
import { parseInput } from '../ledger/input';
import { KioskError } from '../../shared/errors';
import { StaffIdSchema } from '../../shared/ids';
import {
  PinSchema,
  ShellError,
  StaffNameSchema,
  StaffRoleSchema,
  type ChannelAccess,
  type StaffMember,
  type StaffRole,
  type StaffSession,
  type StaffState,
} from '../../shared/ipc';

/**
 * The till's staff: who may use the cashier and manager screens, by PIN. Owns the staff_members
 * and staff_sign_in_guard tables (migration 0006).
 *
 * - A PIN is kept only as a scrypt hash with its own random 16-byte salt and the cost parameters
 *   beside it. The PIN alone says who signs in (cashier or manager), so no two members share one.
 * - 5 wrong PINs in a row lock sign-in for 5 minutes; the count and the lock live in SQLite, so a
 *   restart does not reset them.
 * - One staff session per kiosk, held here in main: it ends at sign-out, or 2 minutes after the
 *   last authorised staff call (`authorise`), by the injected clock.
 * - There is always a manager once one is set: the last one can be neither removed nor demoted.
 */

export const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;
export const PIN_SALT_BYTES = 16;
export const PIN_KEY_BYTES = 32;
export const MAX_WRONG_PINS = 5;
export const LOCK_MS = 5 * 60_000;
export const SESSION_IDLE_MS = 2 * 60_000;

export interface StaffDeps {
  db: Db;
  clock: () => Date;
  /** Makes a new UUIDv7 staff id. */
  newId: () => string;
  /** The store's time zone, to say when a lock ends in the store's own time. */
  timeZone?: () => string;
}

export interface SaveStaffInput {
  staffId?: string | undefined;
  name: string;
  role: StaffRole;
  pin?: string | undefined;
}

export interface StaffService {
  /** For the screens: is a manager PIN set, who is signed in, is sign-in locked. */
  state(): StaffState;
  /** The current session, or null (none, or it expired). Does not refresh it. */
  session(): StaffSession | null;
  /**
   * Checks a channel's access against the session: 'public' passes (the session untouched),
   * 'staff' needs a session (else staff_required), 'manager' a manager's (else manager_required,
   * signed in or not). An authorised call refreshes the session and it is returned.
   */
  authorise(access: ChannelAccess): StaffSession | null;
  /** Only while no manager exists: adds the first manager and signs them in. */
  setupManager(name: string, pin: string): Promise<StaffState>;
  signIn(pin: string): Promise<StaffState>;
  signOut(): StaffState;
  /** Members not removed, managers first, then by name. */
  list(): StaffMember[];
  /** Adds a member (no staffId; a PIN is needed) or changes one's name, role or PIN. */
  save(input: SaveStaffInput): Promise<StaffMember>;
  remove(staffId: string): { removed: boolean };
}

interface MemberRow {
  staff_id: string;
  name: string;
  role: StaffRole;
  pin_salt: Buffer;
  pin_hash: Buffer;
  scrypt_n: number;
  scrypt_r: number;
  scrypt_p: number;
  created_at: string;
}

interface Held {
  staffId: string;
  lastActiveMs: number;
}

function scryptAsync(pin: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** The scrypt hash of a PIN with a new random salt: what is stored instead of the PIN. */
export async function hashPin(
  pin: string,
): Promise<{ salt: Buffer; hash: Buffer; N: number; r: number; p: number }> {
  const salt = randomBytes(PIN_SALT_BYTES);
  const hash = await scryptAsync(pin, salt, PIN_KEY_BYTES, { ...SCRYPT_PARAMS, maxmem: 64 * 1024 * 1024 });
  return { salt, hash, ...SCRYPT_PARAMS };
}

async function pinMatches(pin: string, row: MemberRow): Promise<boolean> {
  const key = await scryptAsync(pin, row.pin_salt, row.pin_hash.length, {
    N: row.scrypt_n,
    r: row.scrypt_r,
    p: row.scrypt_p,
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(key, row.pin_hash);
}

export function createStaffService({ db, clock, newId, timeZone = () => 'UTC' }: StaffDeps): StaffService {
  const columns = 'staff_id, name, role, pin_salt, pin_hash, scrypt_n, scrypt_r, scrypt_p, created_at';
  const sql = {
    active: db.prepare(`SELECT ${columns} FROM staff_members WHERE removed_at IS NULL`),
    byId: db.prepare(`SELECT ${columns} FROM staff_members WHERE staff_id = ? AND removed_at IS NULL`),
    managers: db
      .prepare("SELECT count(*) FROM staff_members WHERE role = 'manager' AND removed_at IS NULL")
      .pluck(),
    insert: db.prepare(
      `INSERT INTO staff_members (staff_id, name, role, pin_salt, pin_hash, scrypt_n, scrypt_r, scrypt_p, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: db.prepare('UPDATE staff_members SET name = ?, role = ?, updated_at = ? WHERE staff_id = ?'),
    updatePin: db.prepare(
      `UPDATE staff_members SET pin_salt = ?, pin_hash = ?, scrypt_n = ?, scrypt_r = ?, scrypt_p = ?, updated_at = ?
        WHERE staff_id = ?`,
    ),
    remove: db.prepare('UPDATE staff_members SET removed_at = ?, updated_at = ? WHERE staff_id = ?'),
    guard: db.prepare('SELECT wrong_pins, locked_until FROM staff_sign_in_guard WHERE singleton = 1'),
    setGuard: db.prepare(
      'UPDATE staff_sign_in_guard SET wrong_pins = ?, locked_until = ? WHERE singleton = 1',
    ),
  };
  const atomically = <T>(work: () => T): T => db.transaction(work).immediate();

  let held: Held | null = null;

  const now = () => clock().getTime();
  const member = (row: MemberRow): StaffMember => ({
    staffId: row.staff_id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
  });
  const activeRows = () => sql.active.all() as MemberRow[];
  const rowById = (staffId: string) => sql.byId.get(staffId) as MemberRow | undefined;
  const managerCount = () => sql.managers.get() as number;

  function guard(): { wrongPins: number; lockedUntilMs: number | null } {
    const row = sql.guard.get() as { wrong_pins: number; locked_until: string | null } | undefined;
    const lockedUntilMs = row?.locked_until ? Date.parse(row.locked_until) : null;
    return { wrongPins: row?.wrong_pins ?? 0, lockedUntilMs };
  }

  /** The lock's end when sign-in is locked now; null otherwise. */
  function lockedUntil(): number | null {
    const { lockedUntilMs } = guard();
    return lockedUntilMs !== null && lockedUntilMs > now() ? lockedUntilMs : null;
  }

  function lockedError(untilMs: number): ShellError {
    const at = new Intl.DateTimeFormat('en-GB', {
      timeZone: timeZone(),
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(untilMs));
    const minutes = Math.max(1, Math.ceil((untilMs - now()) / 60_000));
    return new ShellError(
      'staff_locked',
      `Too many wrong PINs. Staff sign-in is locked until ${at} (${minutes === 1 ? 'about a minute' : `${minutes} minutes`}).`,
    );
  }

  function session(): StaffSession | null {
    if (!held) return null;
    if (now() - held.lastActiveMs >= SESSION_IDLE_MS) {
      held = null;
      return null;
    }
    const row = rowById(held.staffId);
    if (!row) {
      held = null;
      return null;
    }
    return {
      staffId: row.staff_id,
      name: row.name,
      role: row.role,
      expiresAt: new Date(held.lastActiveMs + SESSION_IDLE_MS).toISOString(),
    };
  }

  function state(): StaffState {
    const { wrongPins } = guard();
    const until = lockedUntil();
    return {
      managerPinSet: managerCount() > 0,
      session: session(),
      lockedUntil: until === null ? null : new Date(until).toISOString(),
      attemptsLeft: until === null ? Math.max(0, MAX_WRONG_PINS - wrongPins) : 0,
    };
  }

  /** The active member, other than `except`, whose PIN this is; undefined when none. */
  async function holderOf(pin: string, except?: string): Promise<MemberRow | undefined> {
    // Every member is checked, whatever matches first, so the time taken says nothing about who.
    const rows = activeRows().filter((row) => row.staff_id !== except);
    const matches = await Promise.all(rows.map((row) => pinMatches(pin, row)));
    return rows.find((_, index) => matches[index]);
  }

  function insertMember(
    name: string,
    role: StaffRole,
    hashed: Awaited<ReturnType<typeof hashPin>>,
  ): StaffMember {
    const staffId = newId();
    const at = clock().toISOString();
    sql.insert.run(staffId, name, role, hashed.salt, hashed.hash, hashed.N, hashed.r, hashed.p, at, at);
    return { staffId, name, role, createdAt: at };
  }

  return {
    state,
    session,

    authorise(access) {
      if (access === 'public') return session();
      const current = session();
      if (!current) throw new ShellError(access === 'manager' ? 'manager_required' : 'staff_required');
      if (access === 'manager' && current.role !== 'manager') throw new ShellError('manager_required');
      held = { staffId: current.staffId, lastActiveMs: now() };
      return { ...current, expiresAt: new Date(held.lastActiveMs + SESSION_IDLE_MS).toISOString() };
    },

    async setupManager(nameInput, pinInput) {
      const name = parseInput(StaffNameSchema, nameInput, 'name');
      const pin = parseInput(PinSchema, pinInput, 'pin');
      if (managerCount() > 0) throw new ShellError('manager_pin_exists');
      const hashed = await hashPin(pin);
      if (await holderOf(pin)) throw new ShellError('pin_in_use', undefined, 'pin');
      const created = atomically(() => {
        // Checked again after the hash: two first-manager requests cannot both win.
        if (managerCount() > 0) throw new ShellError('manager_pin_exists');
        return insertMember(name, 'manager', hashed);
      });
      held = { staffId: created.staffId, lastActiveMs: now() };
      return state();
    },

    async signIn(pinInput) {
      const pin = parseInput(PinSchema, pinInput, 'pin');
      const before = lockedUntil();
      if (before !== null) {
        held = null;
        throw lockedError(before);
      }
      const found = await holderOf(pin);
      const outcome = atomically((): { error: ShellError } | { staffId: string } => {
        // Counted after the hashes, in one transaction: a lock taken meanwhile still holds.
        const until = lockedUntil();
        if (until !== null) return { error: lockedError(until) };
        if (found) {
          sql.setGuard.run(0, null);
          return { staffId: found.staff_id };
        }
        const wrong = guard().wrongPins + 1;
        if (wrong >= MAX_WRONG_PINS) {
          const lockEnd = now() + LOCK_MS;
          sql.setGuard.run(0, new Date(lockEnd).toISOString());
          return { error: lockedError(lockEnd) };
        }
        sql.setGuard.run(wrong, null);
        const left = MAX_WRONG_PINS - wrong;
        return {
          error: new ShellError(
            'wrong_pin',
            `That PIN is not right. ${left === 1 ? '1 more wrong PIN locks' : `${left} more wrong PINs lock`} staff sign-in for 5 minutes.`,
            'pin',
          ),
        };
      });
      if ('error' in outcome) {
        held = null;
        throw outcome.error;
      }
      held = { staffId: outcome.staffId, lastActiveMs: now() };
      return state();
    },

    signOut() {
      held = null;
      return state();
    },

    list() {
      return activeRows()
        .map(member)
        .sort((a, b) =>
          a.role === b.role
            ? a.name.localeCompare(b.name) || a.createdAt.localeCompare(b.createdAt)
            : a.role === 'manager'
              ? -1
              : 1,
        );
    },

    async save(input) {
      const name = parseInput(StaffNameSchema, input.name, 'name');
      const role = parseInput(StaffRoleSchema, input.role, 'role');
      const staffId =
        input.staffId === undefined ? undefined : parseInput(StaffIdSchema, input.staffId, 'staffId');
      const pin = input.pin === undefined ? undefined : parseInput(PinSchema, input.pin, 'pin');
      if (staffId === undefined && pin === undefined) {
        throw new KioskError('invalid_input', 'A new member of staff needs a PIN. (pin)', 'pin');
      }
      if (staffId !== undefined && !rowById(staffId))
        throw new ShellError('unknown_staff', undefined, 'staffId');
      const hashed = pin === undefined ? null : await hashPin(pin);
      if (pin !== undefined && (await holderOf(pin, staffId)))
        throw new ShellError('pin_in_use', undefined, 'pin');
      return atomically(() => {
        if (staffId === undefined) return insertMember(name, role, hashed!);
        const row = rowById(staffId);
        if (!row) throw new ShellError('unknown_staff', undefined, 'staffId');
        if (row.role === 'manager' && role !== 'manager' && managerCount() <= 1) {
          throw new ShellError('last_manager', undefined, 'role');
        }
        const at = clock().toISOString();
        sql.update.run(name, role, at, staffId);
        if (hashed) sql.updatePin.run(hashed.salt, hashed.hash, hashed.N, hashed.r, hashed.p, at, staffId);
        return member({ ...row, name, role });
      });
    },

    remove(staffIdInput) {
      const staffId = parseInput(StaffIdSchema, staffIdInput, 'staffId');
      const removed = atomically(() => {
        const row = rowById(staffId);
        if (!row) return false;
        if (row.role === 'manager' && managerCount() <= 1)
          throw new ShellError('last_manager', undefined, 'staffId');
        const at = clock().toISOString();
        sql.remove.run(at, at, staffId);
        return true;
      });
      if (removed && held?.staffId === staffId) held = null;
      return { removed };
    },
  };
}

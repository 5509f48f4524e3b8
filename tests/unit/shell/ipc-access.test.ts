import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/main/db/connection';
import { createDispatcher } from '../../../src/main/ipc/dispatch';
import type { HandlerContext, Handlers } from '../../../src/main/ipc/handlers';
import { memoryLog } from '../../../src/main/logging';
import { createStaffService, SESSION_IDLE_MS, type StaffService } from '../../../src/main/staff';
import { CHANNELS, ipcContract, type ChannelName } from '../../../src/shared/ipc';

// Access is the dispatcher's, whatever the screens show: for every channel of the contract, a
// 'staff' channel runs only with someone signed in and a 'manager' channel only for a manager.
// Each channel gets a valid input, so a refusal here is the access check and nothing else.

const PHONE = '(212) 555-0147';
const STORE = { country: 'US', currency: 'USD', timeZone: 'America/New_York' };
const DISPLAY = { idleTimeoutSeconds: 30, language: 'en', brandColour: '#1a5fb4', logo: null };
const STAFF_ID = '0191c1d2-0000-7000-8000-0000000000aa';

const validInput: Record<ChannelName, unknown> = {
  'kiosk:status': undefined,
  'customer:enroll': { phone: PHONE, consent: { terms: true, termsVersion: '1', sms: false } },
  'consent:change': { phone: PHONE, sms: true },
  'checkin:create': { phone: PHONE },
  'reward:redeem': { phone: PHONE, rewardId: 'coffee' },
  'sale:refund': { receiptId: 'R-1' },
  'points:adjust': { phone: PHONE, points: 5, reason: 'Goodwill' },
  'balance:get': { phone: PHONE },
  'history:list': { phone: PHONE },
  'day:totals': undefined,
  'day:close': undefined,
  'day:report': undefined,
  'day:exportCsv': { businessDay: '2026-11-23' },
  'checkins:today': undefined,
  'sync:now': undefined,
  'flags:list': undefined,
  'customer:lookup': { phone: PHONE },
  'store:update': STORE,
  'settings:update': DISPLAY,
  'sale:pending': undefined,
  'pos:token': undefined,
  'kiosk:pair': { serverUrl: 'https://example.test', enrollmentCode: 'ABCD-EFGH', deviceName: 'Till 1' },
  'staff:state': undefined,
  'staff:setupManager': { name: 'Morgan', pin: '2468' },
  'staff:signIn': { pin: '2468' },
  'staff:signOut': undefined,
  'staff:list': undefined,
  'staff:save': { name: 'Casey', role: 'cashier', pin: '1357' },
  'staff:remove': { staffId: STAFF_ID },
};

/** Handlers that only record that they ran, and with which session. */
function recordingHandlers() {
  const ran: { channel: ChannelName; context: HandlerContext }[] = [];
  const handlers = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      (_input: unknown, context: HandlerContext) => {
        ran.push({ channel, context });
        throw new Error('ran');
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, ran };
}

let dir: string;
let db: Db;
let staff: StaffService;
let now = Date.parse('2026-11-23T15:00:00Z');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-access-'));
  db = openDatabase(join(dir, 'ledger.db'));
  staff = createStaffService({ db, clock: () => new Date(now), newId: () => crypto.randomUUID() });
  await staff.setupManager('Morgan', '2468');
  await staff.save({ name: 'Casey', role: 'cashier', pin: '1357' });
  staff.signOut();
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const byAccess = (access: string) => CHANNELS.filter((channel) => ipcContract[channel].access === access);

describe('access to every contract channel', () => {
  it('has a valid sample input for every channel, and each access level is used', () => {
    for (const channel of CHANNELS) {
      expect(ipcContract[channel].input.safeParse(validInput[channel]).success, channel).toBe(true);
    }
    expect(byAccess('public').length).toBeGreaterThan(0);
    expect(byAccess('staff').length).toBeGreaterThan(0);
    expect(byAccess('manager').length).toBeGreaterThan(0);
  });

  it.each(CHANNELS.map((channel) => [channel, ipcContract[channel].access] as const))(
    '%s (%s)',
    async (channel, access) => {
      const { handlers, ran } = recordingHandlers();
      const dispatch = createDispatcher({ handlers, log: memoryLog(), staff });

      // Nobody signed in: only public channels run.
      staff.signOut();
      const anonymous = await dispatch(channel, validInput[channel]);
      if (access === 'public') {
        expect(ran.map((r) => r.channel)).toEqual([channel]);
        expect(ran[0]?.context.session).toBeNull();
      } else {
        expect(anonymous).toMatchObject({
          ok: false,
          code: access === 'manager' ? 'manager_required' : 'staff_required',
        });
        expect(ran).toEqual([]);
      }

      // A cashier: public and staff channels run, manager channels are refused.
      ran.length = 0;
      await staff.signIn('1357');
      const cashier = await dispatch(channel, validInput[channel]);
      if (access === 'manager') {
        expect(cashier).toMatchObject({ ok: false, code: 'manager_required' });
        expect(ran).toEqual([]);
      } else {
        expect(ran.map((r) => r.channel)).toEqual([channel]);
        expect(ran[0]?.context.session?.role).toBe('cashier');
      }

      // A manager: everything runs, with the manager's session.
      ran.length = 0;
      await staff.signIn('2468');
      await dispatch(channel, validInput[channel]);
      expect(ran.map((r) => r.channel)).toEqual([channel]);
      expect(ran[0]?.context.session).toMatchObject({ name: 'Morgan', role: 'manager' });
      staff.signOut();
    },
    20_000,
  );

  it('an authorised call keeps the session alive; public calls and idle time do not', async () => {
    const { handlers, ran } = recordingHandlers();
    const dispatch = createDispatcher({ handlers, log: memoryLog(), staff });
    await staff.signIn('1357');
    now += SESSION_IDLE_MS - 1_000;
    await dispatch('balance:get', { phone: PHONE }); // staff: refreshes
    now += SESSION_IDLE_MS - 1_000;
    expect(staff.session()).not.toBeNull();
    await dispatch('sale:pending', undefined); // public: does not refresh
    now += 2_000;
    expect(staff.session()).toBeNull();
    ran.length = 0;
    expect(await dispatch('balance:get', { phone: PHONE })).toMatchObject({ code: 'staff_required' });
    expect(ran).toEqual([]);
  });

  it('a dispatcher given no staff service answers public channels only', async () => {
    const { handlers, ran } = recordingHandlers();
    const dispatch = createDispatcher({ handlers, log: memoryLog() });
    expect(await dispatch('balance:get', { phone: PHONE })).toMatchObject({ code: 'staff_required' });
    expect(await dispatch('staff:list', undefined)).toMatchObject({ code: 'manager_required' });
    await dispatch('staff:state', undefined);
    expect(ran.map((r) => r.channel)).toEqual(['staff:state']);
  });
});

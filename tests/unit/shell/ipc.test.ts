import { describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../../src/main/ipc/dispatch';
import type { Handlers } from '../../../src/main/ipc/handlers';
import { registerIpcRouter, senderProblem } from '../../../src/main/ipc/router';
import { memoryLog } from '../../../src/main/logging';
import { createActivityTracker } from '../../../src/main/shell/activity';
import { KioskError } from '../../../src/shared/errors';
import { CHANNELS, ShellError, ipcContract } from '../../../src/shared/ipc';

vi.mock('electron', () => ({ ipcMain: {} }));

const BALANCE = {
  phone: '+12125550147',
  firstName: 'Sam',
  confirmed: 0,
  provisional: 42,
  progress: { nextReward: { id: 'r', name: 'Reward', pointsCost: 100 }, pointsToNext: 58, fraction: 0.42 },
};

/** A manager signed in: these tests are about parsing and answers, not about access. */
const asManager = {
  authorise: () => ({
    staffId: '0191c1d2-0000-7000-8000-00000000000a',
    name: 'Morgan',
    role: 'manager' as const,
    expiresAt: '2026-11-23T12:02:00.000Z',
  }),
};

/** Handlers that answer fixed values; each test replaces the one it needs. */
function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const unused = () => {
    throw new Error('not used in this test');
  };
  const handlers = Object.fromEntries(CHANNELS.map((channel) => [channel, unused])) as unknown as Handlers;
  handlers['balance:get'] = () => BALANCE;
  return { ...handlers, ...overrides };
}

describe('the dispatcher', () => {
  it('answers { ok: true, value } with the parsed output', async () => {
    const dispatch = createDispatcher({ handlers: fakeHandlers(), log: memoryLog(), staff: asManager });
    expect(await dispatch('balance:get', { phone: '(212) 555-0147' })).toEqual({ ok: true, value: BALANCE });
  });

  it.each([
    [undefined, 'invalid_input', undefined],
    [null, 'invalid_input', undefined],
    ['+12125550147', 'invalid_input', undefined],
    [{}, 'invalid_phone', 'phone'],
    [{ phone: 12125550147 }, 'invalid_phone', 'phone'],
    [{ phone: '+12125550147', extra: true }, 'invalid_input', undefined],
  ])('refuses malformed input %j with %s, before any handler runs', async (input, code, field) => {
    const handler = vi.fn(() => BALANCE);
    const dispatch = createDispatcher({
      staff: asManager,
      handlers: fakeHandlers({ 'balance:get': handler }),
      log: memoryLog(),
    });
    const answer = await dispatch('balance:get', input);
    expect(answer).toMatchObject({ ok: false, code });
    if (field) expect(answer).toMatchObject({ field });
    expect(handler).not.toHaveBeenCalled();
  });

  it('maps money mistakes to the ledger codes', async () => {
    const dispatch = createDispatcher({ handlers: fakeHandlers(), log: memoryLog(), staff: asManager });
    const sale = (total: unknown) => ({ phone: '+12125550147', sale: { receiptId: 'R1', total } });
    expect(await dispatch('checkin:create', sale({ amount: 12.5, currency: 'USD' }))).toMatchObject({
      ok: false,
      code: 'invalid_amount',
      field: 'sale.total.amount',
    });
    expect(await dispatch('checkin:create', sale({ amount: 1250, currency: 'XXY' }))).toMatchObject({
      ok: false,
      code: 'unknown_currency',
    });
  });

  it('refuses a channel that is not in the contract, including prototype names', async () => {
    const dispatch = createDispatcher({ handlers: fakeHandlers(), log: memoryLog(), staff: asManager });
    for (const channel of ['ledger:drop', 'constructor', '__proto__', 'toString', '']) {
      expect(await dispatch(channel, {})).toMatchObject({ ok: false, code: 'unknown_channel' });
    }
  });

  it('passes on the code, message and field of a KioskError or ShellError', async () => {
    const dispatch = createDispatcher({
      staff: asManager,
      handlers: fakeHandlers({
        'balance:get': () => {
          throw new KioskError('not_enrolled', undefined, 'phone');
        },
        'store:update': () => {
          throw new ShellError('store_managed_by_server');
        },
      }),
      log: memoryLog(),
    });
    expect(await dispatch('balance:get', { phone: '+12125550147' })).toEqual({
      ok: false,
      code: 'not_enrolled',
      message: 'This phone number has not joined the program yet.',
      field: 'phone',
    });
    expect(
      await dispatch('store:update', { country: 'GB', currency: 'GBP', timeZone: 'Europe/London' }),
    ).toMatchObject({ ok: false, code: 'store_managed_by_server' });
  });

  it('answers internal, without the error text, when a handler fails unexpectedly', async () => {
    const log = memoryLog();
    const dispatch = createDispatcher({
      staff: asManager,
      handlers: fakeHandlers({
        'balance:get': () => {
          throw new Error('SQLITE_CORRUPT at /home/till/ledger.db for +12125550147');
        },
      }),
      log,
    });
    const answer = await dispatch('balance:get', { phone: '+12125550147' });
    expect(answer).toMatchObject({ ok: false, code: 'internal' });
    expect(JSON.stringify(answer)).not.toContain('SQLITE');
    expect(log.lines.at(-1)).toMatchObject({ level: 'error', event: 'ipc_handler_failed' });
  });

  it('answers internal when a handler breaks the output contract', async () => {
    const log = memoryLog();
    const dispatch = createDispatcher({
      staff: asManager,
      handlers: fakeHandlers({ 'balance:get': () => ({ ...BALANCE, provisional: 1.5 }) }),
      log,
    });
    expect(await dispatch('balance:get', { phone: '+12125550147' })).toMatchObject({
      ok: false,
      code: 'internal',
    });
    expect(log.lines.at(-1)?.event).toBe('ipc_output_contract_violation');
  });

  it('counts a running call as activity', async () => {
    const activity = createActivityTracker({ clock: () => 0, quietMs: 0 });
    let seen: ReturnType<typeof activity.busy> | undefined;
    const dispatch = createDispatcher({
      staff: asManager,
      handlers: fakeHandlers({
        'balance:get': () => {
          seen = activity.busy();
          return BALANCE;
        },
      }),
      log: memoryLog(),
      activity,
    });
    await dispatch('balance:get', { phone: '+12125550147' });
    expect(seen).toEqual({ busy: true, reason: 'balance:get in progress' });
    expect(activity.busy().busy).toBe(false);
  });
});

describe('the IPC router', () => {
  const mainFrame = { parent: null, processId: 7, routingId: 1, url: 'app://kiosk/index.html' };
  const event = (overrides: Record<string, unknown> = {}, senderId = 1) => ({
    sender: { id: senderId, mainFrame },
    senderFrame: { ...mainFrame, ...overrides },
  });
  const trusted = new Set([1]);

  function setUp() {
    const handles = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
    const ipcMain = {
      handle: vi.fn((channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) =>
        handles.set(channel, handler),
      ),
      removeHandler: vi.fn((channel: string) => handles.delete(channel)),
    };
    const dispatch = vi.fn(async () => ({ ok: true as const, value: BALANCE }));
    const log = memoryLog();
    const unregister = registerIpcRouter({ ipcMain, dispatch, trusted, log });
    return { handles, ipcMain, dispatch, log, unregister };
  }

  it('registers exactly one handler per contract channel and removes them all', () => {
    const { handles, ipcMain, unregister } = setUp();
    expect([...handles.keys()].sort()).toEqual(Object.keys(ipcContract).sort());
    unregister();
    expect(handles.size).toBe(0);
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(CHANNELS.length);
  });

  it('passes a call from our main frame on app://kiosk to the dispatcher', async () => {
    const { handles, dispatch } = setUp();
    const answer = await handles.get('balance:get')?.(event(), { phone: '+12125550147' });
    expect(answer).toEqual({ ok: true, value: BALANCE });
    expect(dispatch).toHaveBeenCalledWith('balance:get', { phone: '+12125550147' });
  });

  it.each([
    ['a window main did not open', event({}, 2), 'the sender is not a kiosk window'],
    ['a subframe', event({ parent: mainFrame, routingId: 5 }), 'the sender is not the main frame'],
    [
      'a page that navigated away',
      event({ url: 'https://evil.example/' }),
      'the sender is not showing app://kiosk',
    ],
    ['a file:// page', event({ url: 'file:///tmp/x.html' }), 'the sender is not showing app://kiosk'],
    [
      'another app:// host',
      event({ url: 'app://other/index.html' }),
      'the sender is not showing app://kiosk',
    ],
    [
      'a frame that is gone',
      { sender: { id: 1, mainFrame }, senderFrame: null },
      'the sending frame is gone',
    ],
  ])('refuses %s with forbidden', async (_name, senderEvent, problem) => {
    const { handles, dispatch, log } = setUp();
    expect(senderProblem(senderEvent as never, trusted)).toBe(problem);
    const answer = await handles.get('checkin:create')?.(senderEvent, { phone: '+12125550147' });
    expect(answer).toMatchObject({ ok: false, code: 'forbidden' });
    expect(dispatch).not.toHaveBeenCalled();
    expect(log.lines.at(-1)).toMatchObject({ event: 'ipc_sender_refused', fields: { problem } });
  });

  it('refuses more than one argument', async () => {
    const { handles, dispatch } = setUp();
    const answer = await handles.get('balance:get')?.(event(), { phone: '+12125550147' }, 'extra');
    expect(answer).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(dispatch).not.toHaveBeenCalled();
  });
});

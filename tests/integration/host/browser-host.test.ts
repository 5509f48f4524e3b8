import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../../src/main/browser-host/server';
import { createDispatcher } from '../../../src/main/ipc/dispatch';
import { createHandlers } from '../../../src/main/ipc/handlers';
import { DEVICE_TOKEN_FILE, openKiosk, type Kiosk } from '../../../src/main/kiosk';
import { memoryLog } from '../../../src/main/logging';
import { CONTENT_SECURITY_POLICY } from '../../../src/main/security/csp';
import { CHANNELS, DEFAULT_DISPLAY_SETTINGS, ipcContract, type ChannelName } from '../../../src/shared/ipc';
import { fakeRenderer, rawRequest, tokenOf } from './helpers';

// The browser host end to end in Node: a real kiosk (SQLite ledger in a temp folder) behind the
// real HTTP server, called the way the page's shim calls it. Every contract channel must round-trip.

const STORE_ID = '0191c1d2-0000-7000-8000-000000000001';
const PHONE = '(212) 555-0147';
const E164 = '+12125550147';
const MANAGER_PIN = '2468';
const CASHIER_PIN = '1357';
let managerId: string;

/** The server's register endpoint, answering like server/ does (the real server: kiosk-sync.test.ts). */
const fakeServer: typeof fetch = async (url, init) => {
  // Push, pull and look-up: a server that is down for maintenance (the sync engine backs off).
  if (String(url) !== 'http://127.0.0.1:9/v1/devices/register') return new Response('', { status: 503 });
  const body = JSON.parse(String(init?.body)) as { enrollmentCode: string; deviceId: string };
  if (body.enrollmentCode !== 'ABCD-EFGH-JKMN') {
    return Response.json(
      { error: { code: 'invalid_enrollment_code', message: 'That enrolment code is not valid.' } },
      { status: 400 },
    );
  }
  return Response.json(
    {
      deviceId: body.deviceId,
      storeId: STORE_ID,
      token: 'device-token-'.padEnd(48, 'x'),
      store: {
        storeId: STORE_ID,
        name: 'Main Street',
        country: 'US',
        currency: 'USD',
        timeZone: 'America/Chicago',
      },
    },
    { status: 201 },
  );
};

let dataDir: string;
let renderer: ReturnType<typeof fakeRenderer>;
let kiosk: Kiosk;
let host: BrowserHost;
let token: string;
const exercised = new Set<ChannelName>();

async function call(channel: ChannelName, input?: unknown, headers: Record<string, string> = {}) {
  exercised.add(channel);
  const response = await fetch(`${host.url}api/v1/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kiosk-token': token, ...headers },
    body: JSON.stringify(input === undefined ? {} : { input }),
  });
  return {
    status: response.status, // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
    body: (await response.json()) as Record<string, any>,
  };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kiosk-host-'));
  renderer = fakeRenderer();
  const log = memoryLog();
  kiosk = openKiosk({
    dataDir,
    config: { store: { country: 'US', currency: 'USD', timeZone: 'America/New_York' } },
    host: 'browser',
    appVersion: '0.0.0-test',
    log,
    fetch: fakeServer,
  });
  const dispatch = createDispatcher({
    handlers: createHandlers(kiosk),
    log,
    activity: kiosk.activity,
    staff: kiosk.staff,
  });
  host = await startBrowserHost({ dispatch, rendererDir: renderer.dir, port: 0, log });
  const page = await fetch(host.url);
  token = tokenOf(await page.text());
});

afterAll(async () => {
  await host?.close();
  await kiosk?.dispose();
  renderer?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('every contract channel over HTTP', () => {
  it('kiosk:status', async () => {
    const { status, body } = await call('kiosk:status');
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.value).toMatchObject({
      app: { version: '0.0.0-test', host: 'browser' },
      deviceId: kiosk.ledger.deviceId,
      store: { country: 'US', currency: 'USD', timeZone: 'America/New_York' },
      storeSource: 'environment',
      ledger: { healthy: true, problems: [], pendingEvents: 0 },
      pairing: { paired: false },
      pairingError: null,
      sync: {
        running: true,
        online: false,
        pendingEvents: 0,
        lastPushAt: null,
        lastError: null,
        clockSkewMs: null,
        pairingProblem: null,
        unsyncedDayCloses: [],
      },
    });
    expect(body.value.sync.note).toMatch(/^Not paired with a server/);
    expect(body.value.program.rewards.length).toBeGreaterThan(0);
    expect(body.value.display).toEqual(DEFAULT_DISPLAY_SETTINGS);
  });

  it('staff:state, then staff:setupManager: the first manager, signed in at once', async () => {
    const before = await call('staff:state');
    expect(before.body).toEqual({
      ok: true,
      value: { managerPinSet: false, session: null, lockedUntil: null, attemptsLeft: 5 },
    });
    // Nobody signed in: a staff channel is refused and nothing runs.
    const refused = await call('consent:change', { phone: PHONE, sms: true });
    expect(refused).toMatchObject({ status: 422, body: { ok: false, code: 'staff_required' } });
    const { body } = await call('staff:setupManager', { name: 'Morgan', pin: MANAGER_PIN });
    expect(body.value).toMatchObject({
      managerPinSet: true,
      session: { name: 'Morgan', role: 'manager' },
      lockedUntil: null,
    });
    managerId = body.value.session.staffId;
    const again = await call('staff:setupManager', { name: 'Sneaky', pin: '9999' });
    expect(again.body).toMatchObject({ ok: false, code: 'manager_pin_exists' });
  });

  it('customer:enroll', async () => {
    const { status, body } = await call('customer:enroll', {
      phone: PHONE,
      consent: { terms: true, termsVersion: '1', sms: false },
      firstName: 'Sam',
    });
    expect(status).toBe(200);
    expect(body.value.balance).toMatchObject({ phone: E164, firstName: 'Sam', provisional: 0 });
  });

  it('consent:change', async () => {
    const { body } = await call('consent:change', { phone: PHONE, sms: true });
    expect(body).toMatchObject({ ok: true, value: { eventId: expect.any(String) } });
  });

  it('checkin:create', async () => {
    const sale = { receiptId: 'R-1', total: { amount: 15_000, currency: 'USD' } };
    const { body } = await call('checkin:create', { phone: PHONE, sale });
    expect(body.value).toMatchObject({ status: 'checked_in', receiptId: 'R-1', pointsEarned: 150 });
    expect(body.value.balance.provisional).toBe(150);
    const again = await call('checkin:create', { phone: PHONE, sale });
    expect(again.body.value).toEqual({ status: 'already_checked_in', receiptId: 'R-1' });
  });

  it('balance:get', async () => {
    const { body } = await call('balance:get', { phone: E164 });
    expect(body.value).toMatchObject({ phone: E164, provisional: 150, confirmed: 0 });
  });

  it('reward:redeem', async () => {
    const rewardId = kiosk.ledger.program.rewards[0]?.id;
    const { body } = await call('reward:redeem', { phone: PHONE, rewardId });
    expect(body.value).toMatchObject({ pointsSpent: 100, balance: { provisional: 50 } });
  });

  it('sale:refund', async () => {
    const { body } = await call('sale:refund', {
      receiptId: 'R-1',
      amount: { amount: 5_000, currency: 'USD' },
    });
    expect(body.value).toMatchObject({ receiptId: 'R-1', pointsReversed: 50, refundableLeft: 10_000 });
  });

  it('points:adjust, recording the signed-in manager', async () => {
    const { body } = await call('points:adjust', { phone: PHONE, points: 25, reason: 'Goodwill' });
    expect(body.value.balance.provisional).toBe(25);
    const [event] = kiosk.ledger.history(PHONE, { limit: 1 });
    expect(event).toMatchObject({ type: 'points.adjusted', payload: { staffId: managerId, points: 25 } });
  });

  it('history:list, with paging', async () => {
    const first = await call('history:list', { phone: PHONE, limit: 2 });
    expect(first.body.value.events.map((event: { type: string }) => event.type)).toEqual([
      'points.adjusted',
      'points.reversed',
    ]);
    const next = await call('history:list', { phone: PHONE, beforeSeq: first.body.value.nextBeforeSeq });
    expect(next.body.value.events).toHaveLength(4);
    expect(next.body.value.nextBeforeSeq).toBeNull();
  });

  it('day:totals', async () => {
    const { body } = await call('day:totals');
    expect(body.value).toMatchObject({
      businessDay: kiosk.today(),
      checkIns: 1,
      enrolments: 1,
      pointsEarned: 150,
    });
    const other = await call('day:totals', { businessDay: '2020-01-01' });
    expect(other.body.value).toMatchObject({ businessDay: '2020-01-01', checkIns: 0 });
  });

  it('day:report: the totals and the check-ins by hour of the store', async () => {
    const { body } = await call('day:report');
    expect(body.value.totals).toMatchObject({ businessDay: kiosk.today(), checkIns: 1 });
    expect(body.value.hourlyCheckIns).toHaveLength(24);
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'America/New_York',
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(new Date()),
    );
    expect(body.value.hourlyCheckIns[hour]).toBe(1);
    expect(body.value.hourlyCheckIns.reduce((a: number, b: number) => a + b, 0)).toBe(1);
  });

  it('day:exportCsv: the report as CSV, saved 0600 under exports/', async () => {
    const { body } = await call('day:exportCsv');
    const fileName = `z-report-${kiosk.today()}.csv`;
    expect(body.value).toMatchObject({ fileName, savedTo: join(dataDir, 'exports', fileName) });
    expect(body.value.csv.split('\r\n')[0]).toBe('section,field,value');
    expect(body.value.csv).toContain('totals,checkIns,1\r\n');
    expect(readFileSync(body.value.savedTo, 'utf8')).toBe(body.value.csv);
    expect(statSync(body.value.savedTo).mode & 0o777).toBe(0o600);
  });

  it("checkins:today: the open day's check-ins, phones masked", async () => {
    const { body } = await call('checkins:today');
    expect(body.value).toEqual({
      businessDay: kiosk.today(),
      checkIns: [
        {
          eventId: expect.any(String),
          occurredAt: expect.any(String),
          maskedPhone: '••• 0147',
          points: 150,
          receiptId: 'R-1',
          // Why, as the event kept it, for the cashier's Today list; the message for the screen to translate.
          explanation: [
            {
              kind: 'spend',
              label: '$150.00 spent',
              detail: '1 point per $1 on $150.00',
              points: 150,
              message: { id: 'spend', values: { amount: { amount: 15000, currency: 'USD' }, rate: 1 } },
            },
          ],
        },
      ],
    });
    expect(JSON.stringify(body)).not.toContain('5550147');
  });

  it('flags:list: unpaired, unavailable and says why', async () => {
    const { body } = await call('flags:list');
    expect(body.value).toMatchObject({ source: 'unavailable', flags: [] });
    expect(body.value.message).toMatch(/not paired/);
  });

  it('settings:update: saved in the data folder and shown in the status', async () => {
    const display = { idleTimeoutSeconds: 45, language: 'es', brandColour: '#1a6b3c', logo: null };
    const { body } = await call('settings:update', display);
    expect(body).toEqual({ ok: true, value: display });
    expect((await call('kiosk:status')).body.value.display).toEqual(display);
    expect(JSON.parse(readFileSync(join(dataDir, 'display-settings.json'), 'utf8'))).toEqual(display);
    const bad = await call('settings:update', { ...display, brandColour: 'green' });
    expect(bad.body).toMatchObject({ ok: false, code: 'invalid_input', field: 'brandColour' });
  });

  it('pos:token: the whole token the POS link takes (the status shows its last 4 characters)', async () => {
    const { body } = await call('pos:token');
    const status = (await call('kiosk:status')).body.value;
    expect(status.pos.enabled).toBe(true);
    expect(body.value.token).toEqual(expect.any(String));
    expect(body.value.token.length).toBeGreaterThanOrEqual(16);
    expect(status.pos.tokenHint).toBe(`…${body.value.token.slice(-4)}`);
  });

  it('staff:save, staff:list and staff:remove', async () => {
    const saved = await call('staff:save', { name: 'Casey', role: 'cashier', pin: CASHIER_PIN });
    expect(saved.body.value).toMatchObject({ name: 'Casey', role: 'cashier' });
    const taken = await call('staff:save', { name: 'Robin', role: 'cashier', pin: MANAGER_PIN });
    expect(taken.body).toMatchObject({ ok: false, code: 'pin_in_use' });
    const temp = await call('staff:save', { name: 'Temp', role: 'cashier', pin: '11223344' });
    const list = await call('staff:list');
    expect(list.body.value.map((m: { name: string }) => m.name)).toEqual(['Morgan', 'Casey', 'Temp']);
    expect(JSON.stringify(list.body)).not.toContain(CASHIER_PIN);
    const removed = await call('staff:remove', { staffId: temp.body.value.staffId });
    expect(removed.body).toEqual({ ok: true, value: { removed: true } });
    const last = await call('staff:remove', { staffId: managerId });
    expect(last.body).toMatchObject({ ok: false, code: 'last_manager' });
  });

  it('staff:signOut and staff:signIn: a cashier may not do what a manager does', async () => {
    const out = await call('staff:signOut');
    expect(out.body.value).toMatchObject({ session: null });
    expect((await call('balance:get', { phone: E164 })).body).toMatchObject({ code: 'staff_required' });
    const wrong = await call('staff:signIn', { pin: '0000' });
    expect(wrong.body).toMatchObject({ ok: false, code: 'wrong_pin' });
    expect(wrong.body.message).toContain('4 more wrong PINs');
    const cashier = await call('staff:signIn', { pin: CASHIER_PIN });
    expect(cashier.body.value).toMatchObject({
      session: { name: 'Casey', role: 'cashier' },
      attemptsLeft: 5,
    });
    expect((await call('balance:get', { phone: E164 })).body.ok).toBe(true);
    expect((await call('day:totals')).body).toMatchObject({ ok: false, code: 'manager_required' });
    const manager = await call('staff:signIn', { pin: MANAGER_PIN });
    expect(manager.body.value.session).toMatchObject({ name: 'Morgan', role: 'manager' });
  });

  it("customer:lookup: unpaired, this till's own data", async () => {
    const { body } = await call('customer:lookup', { phone: PHONE });
    expect(body).toEqual({
      ok: true,
      value: {
        phone: E164,
        source: 'local',
        known: true,
        enrolled: true,
        maskedName: 'S.',
        confirmed: 0,
        provisional: 25,
        overdrawn: false,
      },
    });
    const stranger = await call('customer:lookup', { phone: '(212) 555-0199' });
    expect(stranger.body.value).toMatchObject({ known: false, enrolled: false, provisional: 0 });
    const bad = await call('customer:lookup', { phone: 'call me' });
    expect(bad.body).toMatchObject({ ok: false, code: 'invalid_phone' });
  });

  it('sync:now: unpaired, nothing to send to and the status says so', async () => {
    const { status, body } = await call('sync:now');
    expect(status).toBe(200);
    expect(body.value).toMatchObject({ running: true, online: false, pendingEvents: 6, lastPushAt: null });
    expect(body.value.note).toBe('Not paired with a server: 6 events wait on this till until it is paired.');
  });

  it('day:close: the Z-report, closed on this till only while unpaired', async () => {
    expect((await call('kiosk:status')).body.value.dayClosed).toBe(false);
    const { body } = await call('day:close', {});
    expect(body.value).toMatchObject({
      businessDay: kiosk.today(),
      deviceId: kiosk.ledger.deviceId,
      till: { businessDay: kiosk.today(), checkIns: 1, enrolments: 1, pointsEarned: 150 },
      server: null,
      matches: null,
      synced: false,
    });
    expect(body.value.message).toContain('not paired');
    expect(body.value.checksum).toMatch(/^[0-9a-f]{64}$/);
    const status = (await call('kiosk:status')).body.value;
    expect(status.dayClosed).toBe(true);
    expect(status.sync.unsyncedDayCloses).toEqual([kiosk.today()]);
    // Closing again gives the same close, not a second one.
    const again = await call('day:close', {});
    expect(again.body.value.closeEventId).toBe(body.value.closeEventId);
  });

  it('store:update, by the manager while unpaired', async () => {
    const store = { country: 'US', currency: 'USD', timeZone: 'America/Los_Angeles' };
    const { body } = await call('store:update', store);
    expect(body).toEqual({ ok: true, value: store });
    expect((await call('kiosk:status')).body.value).toMatchObject({ store, storeSource: 'manager' });
  });

  it('kiosk:pair: a wrong code is refused, a right one pairs and the server store settings win', async () => {
    const wrong = await call('kiosk:pair', {
      serverUrl: 'http://127.0.0.1:9',
      enrollmentCode: 'WRONG-CODE',
      deviceName: 'till 1',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ ok: false, code: 'pairing_failed', field: 'enrollmentCode' });
    expect((await call('kiosk:status')).body.value.pairingError).toContain('not valid');

    const { body } = await call('kiosk:pair', {
      serverUrl: 'http://127.0.0.1:9/',
      enrollmentCode: 'ABCD-EFGH-JKMN',
      deviceName: 'till 1',
    });
    expect(body).toMatchObject({
      ok: true,
      value: { paired: true, storeId: STORE_ID, storeName: 'Main Street' },
    });
    expect(JSON.stringify(body)).not.toContain('device-token');
    const status = (await call('kiosk:status')).body.value;
    expect(status).toMatchObject({
      store: { timeZone: 'America/Chicago' },
      storeSource: 'server',
      pairing: { paired: true, serverUrl: 'http://127.0.0.1:9' },
      pairingError: null,
    });
    // One token store: the engine's 0600 file, no pairing.json.
    const tokenFile = join(dataDir, DEVICE_TOKEN_FILE);
    expect(readFileSync(tokenFile, 'utf8')).toMatch(/^device-token-/);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'pairing.json'))).toBe(false);
    expect(status.sync.pairingProblem).toBeNull();

    // Paired, but the server is down for maintenance: the flags say so.
    const flags = await call('flags:list');
    expect(flags.body.value).toMatchObject({ source: 'unavailable', flags: [] });
    expect(flags.body.value.message).toMatch(/could not be reached/);

    const refused = await call('store:update', { country: 'GB', currency: 'GBP', timeZone: 'Europe/London' });
    expect(refused.body).toMatchObject({ ok: false, code: 'store_managed_by_server' });
    const twice = await call('kiosk:pair', {
      serverUrl: 'http://127.0.0.1:9',
      enrollmentCode: 'ABCD-EFGH-JKMN',
      deviceName: 'till 1',
    });
    expect(twice.body).toMatchObject({ ok: false, code: 'already_paired' });
  });

  it('sale:pending', async () => {
    const { status, body } = await call('sale:pending');
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, value: null });
  });

  it('covered every channel of the contract', () => {
    expect([...exercised].sort()).toEqual([...CHANNELS].sort());
  });
});

describe('refusals', () => {
  it('answers a domain refusal with its KioskError code', async () => {
    const { status, body } = await call('balance:get', { phone: '(212) 555-0199' });
    expect(status).toBe(422);
    expect(body).toMatchObject({ ok: false, code: 'not_enrolled', field: 'phone' });
  });

  it.each([
    ['balance:get', { phone: 'call me' }, 'invalid_phone'],
    ['balance:get', { phone: 5 }, 'invalid_phone'],
    ['balance:get', { phone: PHONE, extra: 1 }, 'invalid_input'],
    [
      'checkin:create',
      { phone: PHONE, sale: { receiptId: 'R-2', total: { amount: -1, currency: 'USD' } } },
      'invalid_amount',
    ],
    [
      'checkin:create',
      { phone: PHONE, sale: { receiptId: 'R-2', total: { amount: 100, currency: 'usd' } } },
      'unknown_currency',
    ],
    [
      'checkin:create',
      { phone: PHONE, sale: { receiptId: 'R-2', total: { amount: 100, currency: 'EUR' } } },
      'currency_mismatch',
    ],
    ['points:adjust', { phone: PHONE, points: 1.5, reason: 'x' }, 'invalid_input'],
    ['points:adjust', { phone: PHONE, points: 5, reason: 'x', staffId: 'M1' }, 'invalid_input'],
    ['day:totals', { businessDay: '23/11/2026' }, 'invalid_input'],
  ] as const)('%s with %j is a 400 with %s', async (channel, input, code) => {
    const { status, body } = await call(channel, input);
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, code });
  });

  it('refuses a missing or wrong token with 401', async () => {
    for (const headers of [
      { 'x-kiosk-token': '' },
      { 'x-kiosk-token': `${token}x` },
      { 'x-kiosk-token': 'a'.repeat(43) },
    ]) {
      const { status, body } = await call('kiosk:status', undefined, headers);
      expect(status).toBe(401);
      expect(body).toMatchObject({ ok: false, code: 'unauthorized' });
    }
    const none = await rawRequest(host.port, {
      method: 'POST',
      path: '/api/v1/kiosk:status',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
  });

  it.each([
    ['a foreign Host (DNS rebinding)', { host: `evil.example:${0}` }],
    ['a foreign Host on our port', { host: 'evil.example' }],
    ['a foreign Origin', { origin: 'http://evil.example' }],
    ['an https Origin', { origin: 'https://127.0.0.1' }],
    ['an opaque Origin', { origin: 'null' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses %s with 403, even with the token', async (_name, extra) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-kiosk-token': token,
      ...(extra as Record<string, string>),
    };
    if (headers['host'] === `evil.example:0`) headers['host'] = `evil.example:${host.port}`;
    const response = await rawRequest(host.port, {
      method: 'POST',
      path: '/api/v1/kiosk:status',
      headers,
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ ok: false, code: 'forbidden' });
    const page = await rawRequest(host.port, { path: '/', headers: extra as Record<string, string> });
    expect(page.status).toBe(403);
    expect(page.body).not.toContain(token);
  });

  it('accepts our own origin, by IP or by localhost', async () => {
    for (const origin of [`http://127.0.0.1:${host.port}`, `http://localhost:${host.port}`]) {
      const response = await rawRequest(host.port, {
        method: 'POST',
        path: '/api/v1/kiosk:status',
        headers: {
          'content-type': 'application/json',
          'x-kiosk-token': token,
          origin,
          'sec-fetch-site': 'same-origin',
        },
        body: '{}',
      });
      expect(response.status).toBe(200);
    }
  });

  it('refuses bad requests to the API', async () => {
    const post = (path: string, headers: Record<string, string>, body: string) =>
      rawRequest(host.port, { method: 'POST', path, headers: { 'x-kiosk-token': token, ...headers }, body });
    expect((await post('/api/v1/kiosk:status', { 'content-type': 'text/plain' }, '{}')).status).toBe(415);
    const badJson = await post('/api/v1/kiosk:status', { 'content-type': 'application/json' }, '{');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body)).toMatchObject({ code: 'invalid_input' });
    const extra = await post(
      '/api/v1/kiosk:status',
      { 'content-type': 'application/json' },
      '{"input":null,"x":1}',
    );
    expect(extra.status).toBe(400);
    const huge = await post(
      '/api/v1/kiosk:status',
      { 'content-type': 'application/json' },
      `{"input":"${'x'.repeat(300_000)}"}`,
    );
    expect(huge.status).toBe(413);
    const unknown = await post('/api/v1/ledger:drop', { 'content-type': 'application/json' }, '{}');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'unknown_channel' });
    expect((await post('/api/v1/__proto__', { 'content-type': 'application/json' }, '{}')).status).toBe(404);
    expect((await rawRequest(host.port, { path: '/api/v1/kiosk:status' })).status).toBe(405);
  });
});

describe('the page', () => {
  it('serves index.html with the token, the CSP header and no caching', async () => {
    const response = await rawRequest(host.port, { path: '/' });
    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(tokenOf(response.body)).toBe(token);
    expect(response.body).toContain('Content-Security-Policy');
  });

  it('makes a new token at every start', async () => {
    const other = await startBrowserHost({
      dispatch: createDispatcher({ handlers: createHandlers(kiosk), log: memoryLog() }),
      rendererDir: renderer.dir,
      port: 0,
      log: memoryLog(),
    });
    try {
      expect(other.token).not.toBe(token);
      expect(other.token.length).toBeGreaterThanOrEqual(43);
    } finally {
      await other.close();
    }
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/missing.js',
  ])('answers 404 to %s', async (path) => {
    const response = await rawRequest(host.port, { path });
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('secret');
  });

  it('listens on 127.0.0.1 only', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
  });

  it('has an entry for each channel the test names', () => {
    expect(Object.keys(ipcContract)).toEqual(CHANNELS);
  });
});

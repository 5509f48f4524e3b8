import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/shared/sync';
import { type TestServer, type Till, createTestServer, phone } from './support/harness';

/**
 * Bad input of every kind: each is a 4xx with a reason naming the field, nothing is stored, and the
 * server keeps serving.
 */
let server: TestServer;
let till: Till;
let storeId: string;

const TABLES = ['ledger_events', 'rejected_events', 'customers', 'balances', 'flags', 'stores', 'devices'];
let before: Record<string, number>;

async function counts() {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = await server.count(table);
  return out;
}

beforeAll(async () => {
  server = await createTestServer();
  ({ storeId } = await server.createStore());
  till = await server.enrol(storeId);
  before = await counts();
});
afterEach(async () => {
  // Nothing stored, and still serving.
  expect(await counts()).toEqual(before);
  expect((await server.request('GET', '/healthz')).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

const error = (res: { body: unknown }) => (res.body as ApiError).error;

function pushRaw(payload: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return server.request('POST', '/v1/sync/push', { token: till.token, payload, headers });
}

function pushEvents(events: unknown[]) {
  return server.request('POST', '/v1/sync/push', {
    token: till.token,
    payload: { storeId, deviceId: till.deviceId, sentAt: new Date().toISOString(), events },
  });
}

function validEvent(overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  const event = till.earned(phone(1), 'IN-1', 10_00, { seq: 1 });
  return { ...event, ...overrides, payload: { ...event.payload, ...payload } };
}

describe('malformed bodies', () => {
  it.each([
    ['truncated JSON', '{"storeId": "'],
    ['not JSON at all', 'hello'],
    ['a bare array', '[1,2,3]'],
    ['null', 'null'],
  ])('%s is a 400', async (_label, body) => {
    const res = await pushRaw(body);
    expect(res.status).toBe(400);
    expect(['invalid_json', 'invalid_input']).toContain(error(res).code);
    expect(error(res).message.length).toBeGreaterThan(5);
  });

  it('an empty body with a JSON content type is a 400', async () => {
    const res = await pushRaw('');
    expect(res.status).toBe(400);
  });

  it('a body of another media type is 415; plain text is read as text and refused (400)', async () => {
    const xml = await pushRaw('<push/>', { 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(error(xml).code).toBe('unsupported_media_type');
    const text = await pushRaw('{"a":1}', { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(error(text).field).toBe('body');
  });

  it('a 2 MB body is refused with 413 before it is parsed', async () => {
    const big = JSON.stringify({
      storeId,
      deviceId: till.deviceId,
      sentAt: new Date().toISOString(),
      events: [],
      pad: 'x'.repeat(2 * 1024 * 1024),
    });
    const res = await pushRaw(big);
    expect(res.status).toBe(413);
    expect(error(res).code).toBe('payload_too_large');
  });

  it('501 events are refused (at most 500 a push), naming the field', async () => {
    const events = Array.from({ length: 501 }, (_, i) => till.earned(phone(1), null, 1_00, { seq: i + 1 }));
    const res = await pushEvents(events);
    expect(res.status).toBe(400);
    expect(error(res).field).toBe('events');
    expect(error(res).message).toMatch(/500/);
  });
});

describe('wrong fields', () => {
  it.each([
    ['seq as a string', { seq: '1' }, {}, 'events.0.seq'],
    ['seq zero', { seq: 0 }, {}, 'events.0.seq'],
    ['a fractional seq', { seq: 1.5 }, {}, 'events.0.seq'],
    ['an id that is not a UUIDv7', { id: '12345' }, {}, 'events.0.id'],
    ['an upper-case UUID', { id: '0190A000-0000-7000-8000-000000000001' }, {}, 'events.0.id'],
    ['a date that is not a date', { businessDay: '2026-13-45' }, {}, 'events.0.businessDay'],
    ['occurredAt without an offset', { occurredAt: '2026-11-23 10:00' }, {}, 'events.0.occurredAt'],
    ['an unknown field', { extra: true }, {}, 'events.0'],
    ['points as a float', {}, { points: 1.5 }, 'events.0.payload.points'],
    ['negative points', {}, { points: -5 }, 'events.0.payload.points'],
    ['money as a float', {}, { total: { amount: 12.5, currency: 'USD' } }, 'events.0.payload.total.amount'],
    [
      'an unknown currency',
      {},
      { total: { amount: 100, currency: 'XYZ' } },
      'events.0.payload.total.currency',
    ],
    [
      'a receipt id with SQL in it',
      {},
      { receiptId: "R1'; DROP TABLE ledger_events;--" },
      'events.0.payload.receiptId',
    ],
  ])('%s is a 400 naming %s', async (_label, overrides, payload, field) => {
    const res = await pushEvents([validEvent(overrides, payload)]);
    expect(res.status).toBe(400);
    expect(error(res).code).toBe('invalid_input');
    expect(error(res).field ?? '').toContain(field);
    expect(error(res).message).toContain(field);
  });

  it('an unknown event type is a 400 naming the type field', async () => {
    const res = await pushEvents([{ ...validEvent(), type: 'points.stolen' }]);
    expect(res.status).toBe(400);
    expect(error(res).field).toBe('events.0.type');
  });

  it('the top-level fields are checked too', async () => {
    const res = await server.request('POST', '/v1/sync/push', {
      token: till.token,
      payload: { storeId: 42, deviceId: till.deviceId, sentAt: 'yesterday', events: 'many' },
    });
    expect(res.status).toBe(400);
    const fields = (error(res).issues ?? []).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['storeId', 'sentAt', 'events']));
  });

  it('an event of another device in the batch is a 400 on its deviceId', async () => {
    const res = await pushEvents([validEvent({ deviceId: '0190a000-0000-7000-8000-000000000009' })]);
    expect(res.status).toBe(400);
    expect(error(res).field).toBe('events.0.deviceId');
  });
});

describe('phone numbers', () => {
  const junk = [
    '4155550123', // no +
    '+1 415 555 0123', // spaces (E.164 only on the wire)
    '+1415555012a',
    '+١٤١٥٥٥٥٠١٢٣', // Arabic-Indic digits
    '+14155550123\u200b', // zero-width space
    '＋14155550123', // full-width plus
    '+1415555🙂123',
    '+19999999999', // right shape, no such number
    "' OR '1'='1",
    '+1415555012300000000000',
  ];

  it.each(junk)('an event with phone %j is refused naming events.0.phone', async (bad) => {
    const res = await pushEvents([validEvent({ phone: bad })]);
    expect(res.status).toBe(400);
    expect(error(res).field).toBe('events.0.phone');
  });

  it.each(junk)('a look-up of %j is a 400 naming phone', async (bad) => {
    const res = await server.request('GET', `/v1/customers/${encodeURIComponent(bad)}`, {
      token: till.token,
    });
    expect(res.status).toBe(400);
    expect(error(res).field).toBe('phone');
  });

  it('an erase of a junk number is a 400, not a search', async () => {
    const res = await server.admin(
      'POST',
      `/v1/admin/customers/${encodeURIComponent("+1' OR 1=1 --")}/erase`,
    );
    expect(res.status).toBe(400);
    expect(error(res).field).toBe('phone');
  });
});

describe('injection and junk elsewhere', () => {
  it('SQL in query strings and path parameters is refused by the schema', async () => {
    const cases: [string, string][] = [
      [`/v1/reports/daily?storeId=${encodeURIComponent("x' OR 1=1 --")}&date=2026-11-23`, 'storeId'],
      [
        `/v1/reports/daily?storeId=${storeId}&date=${encodeURIComponent("2026-11-23'; DROP TABLE flags;--")}`,
        'date',
      ],
      [`/v1/admin/flags?kind=${encodeURIComponent("overdrawn' OR 'a'='a")}`, 'kind'],
      [`/v1/admin/devices?storeId=${encodeURIComponent('1;DELETE FROM devices')}`, 'storeId'],
    ];
    for (const [url, field] of cases) {
      const res = await server.admin('GET', url);
      expect(res.status, url).toBe(400);
      expect(error(res).field).toBe(field);
    }
    const revoke = await server.admin(
      'POST',
      `/v1/admin/devices/${encodeURIComponent("' OR 1=1 --")}/revoke`,
    );
    expect(revoke.status).toBe(400);
    expect(error(revoke).field).toBe('deviceId');
  });

  it('names are bounded and free of control characters; injection text in a name is stored as text', async () => {
    const tooLong = await server.admin('POST', '/v1/admin/stores', {
      name: 'x'.repeat(81),
      country: 'US',
      currency: 'USD',
      timeZone: 'UTC',
    });
    expect(tooLong.status).toBe(400);
    expect(error(tooLong).field).toBe('name');
    const control = await server.admin('POST', '/v1/admin/stores', {
      name: 'a\u0000b',
      country: 'US',
      currency: 'USD',
      timeZone: 'UTC',
    });
    expect(control.status).toBe(400);
    const zone = await server.admin('POST', '/v1/admin/stores', {
      name: 'Z',
      country: 'US',
      currency: 'USD',
      timeZone: 'Mars/Olympus',
    });
    expect(zone.status).toBe(400);
    expect(error(zone).field).toBe('timeZone');
    const country = await server.admin('POST', '/v1/admin/stores', {
      name: 'Z',
      country: 'XX',
      currency: 'USD',
      timeZone: 'UTC',
    });
    expect(country.status).toBe(400);
    expect(error(country).field).toBe('country');
  });

  it('an enrolment code with SQL in it is a 400', async () => {
    const res = await server.request('POST', '/v1/devices/register', {
      payload: { enrollmentCode: "' OR used_at IS NULL --", name: 'Hack' },
    });
    expect(res.status).toBe(400);
    expect(error(res).field).toBe('enrollmentCode');
  });

  it('unknown routes are 404 and there is no CORS', async () => {
    const res = await server.request('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    const preflight = await server.request('OPTIONS', '/v1/sync/push', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const withOrigin = await server.request('GET', '/healthz', {
      headers: { origin: 'https://evil.example' },
    });
    expect(withOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });
});

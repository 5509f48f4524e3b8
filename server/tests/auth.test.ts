import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, RegisterResponse } from '../../src/shared/sync';
import { ADMIN_TOKEN, type TestServer, Till, createTestServer, phone, uuidv7 } from './support/harness';

let server: TestServer;
let storeId: string;

beforeAll(async () => {
  server = await createTestServer();
  ({ storeId } = await server.createStore());
});
afterAll(async () => {
  await server?.close();
});

const code = (res: { body: unknown }) => (res.body as ApiError).error.code;

describe('device enrolment', () => {
  it('a code enrols one till; its token is stored only as a hash; the code cannot be used again', async () => {
    const enrollmentCode = await server.enrollmentCode(storeId);
    const res = await server.request<RegisterResponse>('POST', '/v1/devices/register', {
      payload: { enrollmentCode, name: 'Front till' },
    });
    expect(res.status).toBe(201);
    expect(res.body.storeId).toBe(storeId);
    expect(res.body.token).toMatch(/^lkd_[A-Za-z0-9_-]{43}$/);
    const { rows } = await server.db.query<{ token_hash: Uint8Array }>(
      'SELECT token_hash FROM devices WHERE id = $1',
      [res.body.deviceId],
    );
    expect(Buffer.from(rows[0]?.token_hash ?? []).length).toBe(32);
    expect(Buffer.from(rows[0]?.token_hash ?? []).toString()).not.toContain(res.body.token);
    const dump = await server.db.query<{ t: string }>("SELECT string_agg(d::text, ',') AS t FROM devices d");
    expect(dump.rows[0]?.t).not.toContain(res.body.token.slice(4));

    const again = await server.request('POST', '/v1/devices/register', {
      payload: { enrollmentCode, name: 'Second' },
    });
    expect(again.status).toBe(400);
    expect(code(again)).toBe('invalid_enrollment_code');
  });

  it('codes are read forgivingly (case, dashes, spaces) but an expired code is refused', async () => {
    const enrollmentCode = await server.enrollmentCode(storeId);
    const sloppy = enrollmentCode.toLowerCase().replace(/-/g, ' ');
    const ok = await server.request('POST', '/v1/devices/register', {
      payload: { enrollmentCode: sloppy, name: 'T' },
    });
    expect(ok.status).toBe(201);

    const expiring = await server.enrollmentCode(storeId);
    await server.db.query(
      "UPDATE enrollment_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
    );
    const late = await server.request('POST', '/v1/devices/register', {
      payload: { enrollmentCode: expiring, name: 'T' },
    });
    expect(late.status).toBe(400);
    expect(code(late)).toBe('invalid_enrollment_code');
  });

  it('two tills racing with one code: exactly one is enrolled', async () => {
    const enrollmentCode = await server.enrollmentCode(storeId);
    const replies = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        server.request('POST', '/v1/devices/register', { payload: { enrollmentCode, name: `Racer ${i}` } }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 400, 400, 400, 400]);
  });

  it('two new tills enrolling at once each get their own device', async () => {
    const codes = await Promise.all([server.enrollmentCode(storeId), server.enrollmentCode(storeId)]);
    const replies = await Promise.all(
      codes.map((c) =>
        server.request<RegisterResponse>('POST', '/v1/devices/register', {
          payload: { enrollmentCode: c, name: 'New' },
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([201, 201]);
    expect(replies[0]?.body.deviceId).not.toBe(replies[1]?.body.deviceId);
  });

  it('a till may keep the device id it made at first start; a second code of its store re-pairs it', async () => {
    const deviceId = uuidv7();
    const first = await server.request<RegisterResponse>('POST', '/v1/devices/register', {
      payload: { enrollmentCode: await server.enrollmentCode(storeId), name: 'Own id', deviceId },
    });
    expect(first.status).toBe(201);
    expect(first.body.deviceId).toBe(deviceId);
    // Re-paired while the old token still works: the same device, a new token, never a second device.
    const again = await server.request<RegisterResponse>('POST', '/v1/devices/register', {
      payload: { enrollmentCode: await server.enrollmentCode(storeId), name: 'Same id', deviceId },
    });
    expect(again.status).toBe(201);
    expect(again.body.deviceId).toBe(deviceId);
    expect(again.body.token).not.toBe(first.body.token);
    expect(await server.count('devices', 'id = $1', [deviceId])).toBe(1);
    const old = await server.request('GET', '/v1/sync/pull', { token: first.body.token });
    expect(old.status).toBe(401);
    expect((await server.request('GET', '/v1/sync/pull', { token: again.body.token })).status).toBe(200);
  });
});

describe('re-pairing a till', () => {
  const register = (enrollmentCode: string, deviceId: string, name = 'Re-paired') =>
    server.request<RegisterResponse>('POST', '/v1/devices/register', {
      payload: { enrollmentCode, name, deviceId },
    });
  const deviceRow = async (deviceId: string) =>
    (
      await server.db.query<{
        store_id: string;
        token_hash: Uint8Array;
        last_seq: number;
        revoked_at: Date | null;
      }>('SELECT store_id, token_hash, last_seq, revoked_at FROM devices WHERE id = $1', [deviceId])
    ).rows[0];

  it('revoked, then a new code of the same store: new token, un-revoked, push continues at last seq + 1', async () => {
    const till = await server.enrol(storeId, 'Front');
    expect(
      (await till.push([till.earned(phone(40), 'RP-1', 1_00), till.earned(phone(40), 'RP-2', 2_00)])).status,
    ).toBe(200);
    expect((await server.admin('POST', `/v1/admin/devices/${till.deviceId}/revoke`)).status).toBe(200);
    expect((await till.push([till.earned(phone(40), 'RP-3', 3_00)])).status).toBe(401);
    till.seq -= 1; // that event was never stored: the till still has it queued at seq 3

    const res = await register(await server.enrollmentCode(storeId), till.deviceId);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ deviceId: till.deviceId, storeId });
    const row = await deviceRow(till.deviceId);
    expect(row?.revoked_at).toBeNull();
    expect(row?.last_seq).toBe(2);
    expect(await server.count('devices', 'id = $1', [till.deviceId])).toBe(1);

    // The old token is refused at once; the new one pushes seq 3 (no gap, no duplicate).
    expect((await till.push([till.earned(phone(40), 'RP-3', 3_00)])).status).toBe(401);
    const repaired = new Till(server, res.body);
    repaired.seq = 2;
    const push = await repaired.push([repaired.earned(phone(40), 'RP-3', 3_00)]);
    expect(push.status).toBe(200);
    expect(push.body.results.map((r) => r.status)).toEqual(['accepted']);
    expect(push.body.lastSeq).toBe(3);
    // A gap is still refused: seq 5 after 3 is a 409 with the expected seq.
    const gap = await repaired.push([repaired.earned(phone(40), 'RP-5', 1_00, { seq: 5 })]);
    expect(gap.status).toBe(409);
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(3);
  });

  it("another store's code for an existing device is a 409 that names the store, and nothing changes", async () => {
    const till = await server.enrol(storeId, 'Mine');
    expect((await till.push([till.earned(phone(41), 'OS-1', 1_00)])).status).toBe(200);
    const before = await deviceRow(till.deviceId);
    const other = await server.createStore({ name: 'Uptown' });
    const otherCode = await server.enrollmentCode(other.storeId);

    const res = await register(otherCode, till.deviceId);
    expect(res.status).toBe(409);
    expect(code(res)).toBe('conflict');
    const message = (res.body as unknown as ApiError).error.message;
    expect(message).toContain(storeId);
    expect(message).toContain('not a store move');

    const after = await deviceRow(till.deviceId);
    expect(after?.store_id).toBe(storeId);
    expect(Buffer.from(after?.token_hash ?? []).equals(Buffer.from(before?.token_hash ?? []))).toBe(true);
    expect(after?.last_seq).toBe(1);
    expect((await till.pull()).status).toBe(200);
    // The other store's code was not burned: a new till of that store can still use it.
    expect((await register(otherCode, uuidv7(), 'Uptown till')).status).toBe(201);

    // Revoked first makes no difference: still not a store move, still revoked.
    expect((await server.admin('POST', `/v1/admin/devices/${till.deviceId}/revoke`)).status).toBe(200);
    const again = await register(await server.enrollmentCode(other.storeId), till.deviceId);
    expect(again.status).toBe(409);
    expect((await deviceRow(till.deviceId))?.revoked_at).not.toBeNull();
  });

  it('a used or expired code still cannot re-pair a device', async () => {
    const till = await server.enrol(storeId, 'Used');
    const usedCode = await server.enrollmentCode(storeId);
    expect((await register(usedCode, uuidv7(), 'Took it')).status).toBe(201);
    const before = await deviceRow(till.deviceId);

    const used = await register(usedCode, till.deviceId);
    expect(used.status).toBe(400);
    expect(code(used)).toBe('invalid_enrollment_code');

    const expiring = await server.enrollmentCode(storeId);
    await server.db.query(
      "UPDATE enrollment_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
    );
    const expired = await register(expiring, till.deviceId);
    expect(expired.status).toBe(400);
    expect(code(expired)).toBe('invalid_enrollment_code');

    const after = await deviceRow(till.deviceId);
    expect(Buffer.from(after?.token_hash ?? []).equals(Buffer.from(before?.token_hash ?? []))).toBe(true);
    expect((await till.pull()).status).toBe(200);
  });
});

describe('device tokens', () => {
  it('no token, a malformed header or an unknown token is 401 on every device route', async () => {
    const routes: ['GET' | 'POST', string, unknown][] = [
      [
        'POST',
        '/v1/sync/push',
        { storeId, deviceId: uuidv7(), sentAt: new Date().toISOString(), events: [] },
      ],
      ['GET', '/v1/sync/pull', undefined],
      ['GET', `/v1/customers/${phone(1)}`, undefined],
    ];
    for (const [method, url, payload] of routes) {
      const variants: Record<string, string>[] = [
        {},
        { authorization: 'Basic abc' },
        { authorization: 'Bearer lkd_wrong' },
      ];
      for (const headers of variants) {
        const res = await server.request(method, url, { payload, headers });
        expect(res.status, `${method} ${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(code(res)).toBe('unauthorized');
      }
    }
  });

  it('a revoked device gets 401 at once and stores nothing more', async () => {
    const till = await server.enrol(storeId);
    expect((await till.push([till.earned(phone(2), 'RV-1', 1_00)])).status).toBe(200);
    const revoke = await server.admin<{ revokedAt: string }>(
      'POST',
      `/v1/admin/devices/${till.deviceId}/revoke`,
    );
    expect(revoke.status).toBe(200);
    expect(revoke.body.revokedAt).toBeTruthy();
    const push = await till.push([till.earned(phone(2), 'RV-2', 1_00)]);
    expect(push.status).toBe(401);
    expect((await till.pull()).status).toBe(401);
    expect((await server.request('GET', `/v1/customers/${phone(2)}`, { token: till.token })).status).toBe(
      401,
    );
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(1);
    // Revoking again is harmless; an unknown device is 404.
    expect((await server.admin('POST', `/v1/admin/devices/${till.deviceId}/revoke`)).status).toBe(200);
    expect((await server.admin('POST', `/v1/admin/devices/${uuidv7()}/revoke`)).status).toBe(404);
  });

  it('a device acts only for its own store and as itself (403)', async () => {
    const till = await server.enrol(storeId);
    const other = await server.createStore({ name: 'Elsewhere' });
    const otherStore = await till.push([till.earned(phone(3), 'F-1', 1_00)], { storeId: other.storeId });
    expect(otherStore.status).toBe(403);
    expect((otherStore.body as unknown as ApiError).error.field).toBe('storeId');
    const pull = await server.request('GET', `/v1/sync/pull?storeId=${other.storeId}`, { token: till.token });
    expect(pull.status).toBe(403);

    const victim = await server.enrol(storeId);
    const impersonation = await till.push([], { deviceId: victim.deviceId });
    expect(impersonation.status).toBe(403);
    expect(await server.count('ledger_events', 'device_id = $1', [till.deviceId])).toBe(0);
  });
});

describe('admin token', () => {
  it('admin routes need the admin token; a device token is not one', async () => {
    const till = await server.enrol(storeId);
    for (const token of [undefined, 'wrong-token-wrong-token-wrong-token!', till.token]) {
      const res = await server.request('GET', '/v1/admin/flags', token ? { token } : {});
      expect(res.status).toBe(401);
    }
    const reports = await server.request('GET', `/v1/reports/daily?storeId=${storeId}&date=2026-11-23`, {
      token: till.token,
    });
    expect(reports.status).toBe(401);
    expect((await server.request('GET', '/v1/admin/flags', { token: ADMIN_TOKEN })).status).toBe(200);
  });

  it('with a short or empty ADMIN_TOKEN the admin API is off (503) and the device API still serves', async () => {
    for (const adminToken of ['', 'short-token']) {
      const off = await createTestServer({ ADMIN_TOKEN: adminToken });
      try {
        const res = await off.request('POST', '/v1/admin/stores', {
          token: adminToken || 'x',
          payload: { name: 'X', country: 'US', currency: 'USD', timeZone: 'UTC' },
        });
        expect(res.status).toBe(503);
        expect(code(res)).toBe('admin_disabled');
        expect((res.body as ApiError).error.message).toMatch(/ADMIN_TOKEN/);
        expect((await off.request('GET', '/healthz')).status).toBe(200);
        expect(
          (
            await off.request('POST', '/v1/devices/register', {
              payload: { enrollmentCode: 'AAAA-BBBB-CCCC', name: 'T' },
            })
          ).status,
        ).toBe(400);
      } finally {
        await off.close();
      }
    }
  });
});

describe('rate limits', () => {
  it('per token and per address, answered 429 with Retry-After', async () => {
    const limited = await createTestServer({ RATE_LIMIT_PER_TOKEN: '5', RATE_LIMIT_PER_IP: '30' });
    try {
      const { storeId: s } = await limited.createStore();
      const till = await limited.enrol(s);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await till.pull()).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429]);
      const limitedReply = await till.pull();
      expect(limitedReply.headers['retry-after']).toBeDefined();
      expect(code(limitedReply)).toBe('rate_limited');
      // Another till's token still works until the address budget runs out.
      const other = await limited.enrol(s);
      expect((await other.pull()).status).toBe(200);
      let last = 200;
      for (let i = 0; i < 40 && last !== 429; i++)
        last = (await limited.request('GET', '/v1/sync/pull')).status;
      expect(last).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('enrolment is throttled per address so codes cannot be guessed', async () => {
    const limited = await createTestServer({ RATE_LIMIT_REGISTER_PER_IP: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await limited.request('POST', '/v1/devices/register', {
          payload: { enrollmentCode: `GUES-S000-000${i}`, name: 'Guess' },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

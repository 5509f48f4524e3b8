import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncFlagsResponse } from '../../src/shared/sync';
import { type TestServer, createTestServer, phone } from './support/harness';

let server: TestServer;

beforeAll(async () => {
  server = await createTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('GET /v1/sync/flags', () => {
  it("answers the device's own store's open flags, newest first, with phones masked to the last 4 digits", async () => {
    const { storeId } = await server.createStore({ name: 'Flag shop' });
    const { storeId: otherStoreId } = await server.createStore({ name: 'Other shop' });
    const till = await server.enrol(storeId);
    const otherTill = await server.enrol(otherStoreId);
    const mine = phone(501);
    const theirs = phone(502);

    // An overdrawn account in each store, and a till with a clock an hour fast in this one.
    await till.push([till.enrolled(mine), till.earned(mine, 'F-1', 30_00), till.redeemed(mine, 100)]);
    await otherTill.push([otherTill.earned(theirs, 'G-1', 10_00), otherTill.redeemed(theirs, 100)]);
    await till.push([till.earned(phone(503), 'F-2', 1_00)], {
      sentAt: new Date(Date.now() + 3_600_000).toISOString(),
    });

    const res = await server.request<SyncFlagsResponse>('GET', '/v1/sync/flags', { token: till.token });
    expect(res.status).toBe(200);
    const kinds = res.body.flags.map((flag) => flag.kind);
    expect(kinds.sort()).toEqual(['clock_skew', 'overdrawn']);
    const overdrawn = res.body.flags.find((flag) => flag.kind === 'overdrawn');
    expect(overdrawn).toMatchObject({
      maskedPhone: `••• ${mine.slice(-4)}`,
      deviceId: till.deviceId,
      detail: { balance: -70 },
    });
    expect(overdrawn?.raisedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(res.body.flags.find((flag) => flag.kind === 'clock_skew')?.maskedPhone).toBeNull();
    const ids = res.body.flags.map((flag) => Number(flag.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    // Never a whole phone number, and nothing of the other store.
    expect(res.raw.body).not.toContain(mine);
    expect(res.raw.body).not.toContain(mine.slice(1));
    expect(res.raw.body).not.toContain(theirs.slice(-4));

    const other = await server.request<SyncFlagsResponse>('GET', '/v1/sync/flags', {
      token: otherTill.token,
    });
    expect(other.body.flags.map((flag) => flag.maskedPhone)).toEqual([`••• ${theirs.slice(-4)}`]);
  });

  it('drops a flag once it is resolved', async () => {
    const { storeId } = await server.createStore({ name: 'Repaid shop' });
    const till = await server.enrol(storeId);
    const p = phone(511);
    await till.push([till.earned(p, 'R-1', 20_00), till.redeemed(p, 100)]);
    const before = await server.request<SyncFlagsResponse>('GET', '/v1/sync/flags', { token: till.token });
    expect(before.body.flags).toHaveLength(1);
    await till.push([till.earned(p, 'R-2', 90_00)]);
    const after = await server.request<SyncFlagsResponse>('GET', '/v1/sync/flags', { token: till.token });
    expect(after.body.flags).toEqual([]);
  });

  it('refuses a request without a valid device token', async () => {
    expect((await server.request('GET', '/v1/sync/flags')).status).toBe(401);
    expect((await server.request('GET', '/v1/sync/flags', { token: 'not-a-device-token' })).status).toBe(401);
    const admin = await server.admin('GET', '/v1/sync/flags');
    expect([401, 403]).toContain(admin.status);
  });
});

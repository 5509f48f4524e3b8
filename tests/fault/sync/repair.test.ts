import { describe, expect, it } from 'vitest';
import { pair } from './support/pairing';
import { startServer } from './support/server';
import { cleanupAfterAll } from './support/cleanup';
import { openTill, sell } from './support/till';
import { expectConverged } from './support/verify';
import { waitFor } from './support/wait';

/**
 * Re-pairing against the real server process: an operator revokes a till that keeps selling, then
 * issues a new enrolment code of the same store; the till pairs again under its own device id and
 * its outbox continues where it stopped. End state: every event on the server exactly once,
 * balances equal on the server and the till.
 */

const { track } = cleanupAfterAll();

describe('re-pairing', () => {
  it('revoked while selling, then a new code from the environment: re-paired, every event exactly once', async () => {
    const server = track(await startServer());
    const { storeId } = await server.admin.createStore();
    const till = track(openTill());
    const firstCode = await server.admin.enrollmentCode(storeId);
    const env = { KIOSK_SERVER_URL: server.url, KIOSK_ENROLLMENT_CODE: firstCode };
    expect((await till.engine.pairFromEnvironment(env, 'Front')).paired).toBe(true);
    till.engine.start();
    sell(till, 1, 20, 'before', 300);
    await waitFor(() => till.engine.status().pendingEvents === 0, { what: 'first sales pushed' });

    await server.admin.revoke(till.ledger.deviceId);
    sell(till, 1, 15, 'revoked', 300);
    sell(till, 2, 10, 'revoked-b', 300);
    await waitFor(() => till.engine.status().pairingProblem !== null, { what: 'the 401 seen' });
    const refused = till.engine.status();
    expect(refused.pairingProblem).toMatch(/revoked|Pair it again/);
    expect(refused.pendingEvents).toBeGreaterThan(0);
    // A restart with the same environment does not burn the old code again, and says why.
    const same = await till.engine.pairFromEnvironment(env, 'Front');
    expect(same.message).toMatch(/already used/);
    expect(till.engine.status().pairingProblem).not.toBeNull();
    // Sales go on while the till cannot sync.
    sell(till, 3, 5, 'still-offline', 300);
    expect(till.engine.status().pendingEvents).toBe(32);

    const newCode = await server.admin.enrollmentCode(storeId);
    const repaired = await till.engine.pairFromEnvironment(
      { ...env, KIOSK_ENROLLMENT_CODE: newCode },
      'Front',
    );
    expect(repaired).toMatchObject({ paired: true });
    await waitFor(
      () => till.engine.status().pendingEvents === 0 && till.engine.status().pairingProblem === null,
      { what: 'outbox drained after re-pairing' },
    );
    // One device, not two; its last seq is the till's last event.
    const devices = await server.admin.devices(storeId);
    expect(devices.map((d) => d.deviceId)).toEqual([till.ledger.deviceId]);
    expect(devices[0]!.lastSeq).toBe(53);
    // The same environment on the next start changes nothing.
    expect(
      await till.engine.pairFromEnvironment({ ...env, KIOSK_ENROLLMENT_CODE: newCode }, 'Front'),
    ).toEqual({
      paired: true,
      message: 'Already paired.',
    });
    await till.engine.stop();
    await expectConverged(server, [till], { restart: false });
  });

  it('re-paired by hand after a revoke, again from the environment while the token works, another store refused: one device, nothing doubled', async () => {
    const server = track(await startServer());
    const { storeId } = await server.admin.createStore();
    const till = track(openTill());
    await pair(till, server, storeId);
    sell(till, 7, 10, 'one', 300);
    await till.engine.syncNow();
    await server.admin.revoke(till.ledger.deviceId);
    sell(till, 7, 5, 'two', 300);
    expect((await till.engine.syncNow()).pairingProblem).not.toBeNull();
    // In that state registerDevice works again and replaces the stored token.
    await pair(till, server, storeId);
    sell(till, 8, 5, 'three', 300);
    const status = await till.engine.syncNow();
    expect(status).toMatchObject({ pendingEvents: 0, pairingProblem: null, lastError: null });

    // A new code of the same store while the token still works: the same device, a new token.
    const again = await till.engine.pairFromEnvironment(
      { KIOSK_SERVER_URL: server.url, KIOSK_ENROLLMENT_CODE: await server.admin.enrollmentCode(storeId) },
      'Till',
    );
    expect(again).toMatchObject({ paired: true, message: expect.stringMatching(/Paired again/) });
    sell(till, 8, 2, 'three-b', 300);
    expect(await till.engine.syncNow()).toMatchObject({ pendingEvents: 0, pairingProblem: null });

    // Another store's code is refused in plain words; the pairing stays as it was.
    const other = await server.admin.createStore({ name: 'Uptown' });
    const moved = await till.engine.pairFromEnvironment(
      {
        KIOSK_SERVER_URL: server.url,
        KIOSK_ENROLLMENT_CODE: await server.admin.enrollmentCode(other.storeId),
      },
      'Till',
    );
    expect(moved.message).toMatch(/belongs to the store.*not a store move/);
    expect(moved.paired).toBe(true);
    sell(till, 8, 3, 'four', 300);
    expect(await till.engine.syncNow()).toMatchObject({ pendingEvents: 0, pairingProblem: null });
    expect((await server.admin.devices(storeId)).map((d) => d.deviceId)).toEqual([till.ledger.deviceId]);
    expect(await server.admin.devices(other.storeId)).toEqual([]);
    await expectConverged(server, [till], { restart: false });
  });
});

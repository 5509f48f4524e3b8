import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../src/main/ipc/dispatch';
import { createHandlers } from '../../../src/main/ipc/handlers';
import { json, posRequest, startPosKiosk, type PosKiosk } from './helpers';

// The screen polls sale:pending every second; the updater asks the activity tracker whether the
// kiosk is idle before it restarts. The poll must not count as use; a sale awaiting check-in must.

let pos: PosKiosk;
beforeAll(async () => {
  pos = await startPosKiosk();
});
afterAll(async () => {
  await pos?.close();
});

describe('sale:pending and the activity tracker', () => {
  it('polling is not activity, a sale awaiting check-in is', async () => {
    const dispatch = createDispatcher({
      handlers: createHandlers(pos.kiosk),
      log: pos.log,
      activity: pos.kiosk.activity,
    });
    expect(await dispatch('sale:pending', undefined)).toEqual({ ok: true, value: null });
    expect(pos.kiosk.activity.busy()).toEqual({ busy: false, reason: null });

    const sale = { receiptId: 'R-ACT', total: { amount: 999, currency: 'USD' } };
    expect((await posRequest(pos.port, { method: 'POST', path: '/v1/sales', body: json(sale) })).status).toBe(
      201,
    );
    expect(await dispatch('sale:pending', undefined)).toMatchObject({
      ok: true,
      value: { sale, wouldEarn: { points: 9 } },
    });
    expect(pos.kiosk.activity.busy()).toEqual({ busy: true, reason: 'a POS sale awaiting check-in' });

    expect((await posRequest(pos.port, { method: 'DELETE', path: '/v1/sales/R-ACT' })).status).toBe(200);
    expect(await dispatch('sale:pending', undefined)).toEqual({ ok: true, value: null });
    expect(pos.kiosk.activity.busy()).toEqual({ busy: false, reason: null });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT } from '../../helpers/ledger';
import { json, posRequest, SALE, startPosKiosk, type Answer, type PosKiosk } from './helpers';

// Contract tests of the POS link (src/main/pos) against a real kiosk: every route, and every
// refusal answers a 4xx `{ error: { code, message, field } }` and leaves the database as it was.

const PHONE = '(212) 555-0147';
let pos: PosKiosk;

const post = (path: string, body: unknown, extra: Parameters<typeof posRequest>[1] = {}) =>
  posRequest(pos.port, {
    method: 'POST',
    path,
    body: typeof body === 'string' ? body : json(body),
    ...extra,
  });
const get = (path: string, extra: Parameters<typeof posRequest>[1] = {}) =>
  posRequest(pos.port, { path, ...extra });

function expectError(answer: Answer, status: number, code: string, field?: string | null) {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.body).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(answer.body.error.message.length).toBeGreaterThan(5);
  expect(answer.body.error).toHaveProperty('field');
  if (field !== undefined) expect(answer.body.error.field).toBe(field);
}

/** Runs a request that must be refused and checks nothing was written. */
async function refused(request: () => Promise<Answer>, status: number, code: string, field?: string | null) {
  const before = pos.state();
  const answer = await request();
  expectError(answer, status, code, field);
  expect(pos.state()).toBe(before);
  return answer;
}

beforeAll(async () => {
  pos = await startPosKiosk();
  pos.kiosk.ledger.enroll(PHONE, CONSENT);
});

afterAll(async () => {
  await pos?.close();
});

describe('POST /v1/sales', () => {
  it('creates a sale awaiting check-in with the points it would earn (201)', async () => {
    const answer = await post('/v1/sales', SALE);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      receiptId: 'R-1',
      status: 'awaiting-check-in',
      total: { amount: 12_500, currency: 'USD' },
      wouldEarn: { points: 125 },
      customer: null,
      pointsEarned: null,
      rewardsApplied: [],
      refunded: { amount: { amount: 0, currency: 'USD' }, pointsReversed: 0 },
    });
    expect(Date.parse(answer.body.expiresAt) - Date.parse(answer.body.createdAt)).toBe(300_000);
    expect(pos.kiosk.pendingSale()).toMatchObject({ sale: { receiptId: 'R-1' }, wouldEarn: { points: 125 } });
  });

  it('answers the same sale for the same body (200), whatever the key order, and writes nothing', async () => {
    const before = pos.state();
    const reordered = { lines: SALE.lines, total: { currency: 'USD', amount: 12_500 }, receiptId: 'R-1' };
    const answer = await post('/v1/sales', reordered);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ receiptId: 'R-1', status: 'awaiting-check-in' });
    expect(pos.state()).toBe(before);
  });

  it('refuses a different body for the same receipt id (409)', async () => {
    await refused(
      () => post('/v1/sales', { ...SALE, total: { amount: 12_600, currency: 'USD' } }),
      409,
      'receipt_conflict',
      'receiptId',
    );
  });

  it('leaves one sale when the same receipt is posted concurrently', async () => {
    const sale = { receiptId: 'R-CONC', total: { amount: 100, currency: 'USD' } };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('/v1/sales', sale)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const rows = pos.kiosk.db
      .prepare("SELECT count(*) FROM pos_sales WHERE receipt_id = 'R-CONC'")
      .pluck()
      .get();
    expect(rows).toBe(1);
    expect((await posRequest(pos.port, { method: 'DELETE', path: '/v1/sales/R-CONC' })).status).toBe(200);
  });

  it.each([
    ['a fractional amount', { amount: 12.5, currency: 'USD' }, 'invalid_amount', 'total.amount'],
    ['a negative amount', { amount: -1, currency: 'USD' }, 'invalid_amount', 'total.amount'],
    ['a huge amount', { amount: 1e12, currency: 'USD' }, 'invalid_amount', 'total.amount'],
    ['an amount as a string', { amount: '1250', currency: 'USD' }, 'invalid_amount', 'total.amount'],
    ['an unknown currency', { amount: 1250, currency: 'XYZ' }, 'unknown_currency', 'total.currency'],
    ['a lower-case currency', { amount: 1250, currency: 'usd' }, 'unknown_currency', 'total.currency'],
  ])('refuses %s (400)', async (_name, total, code, field) => {
    await refused(() => post('/v1/sales', { receiptId: 'R-BAD', total }), 400, code, field);
  });

  it('refuses a receipt the screen already checked in without the POS (409)', async () => {
    pos.kiosk.ledger.checkIn(PHONE, { receiptId: 'R-DIRECT', total: { amount: 100, currency: 'USD' } });
    await refused(
      () => post('/v1/sales', { receiptId: 'R-DIRECT', total: { amount: 100, currency: 'USD' } }),
      409,
      'already_checked_in',
      'receiptId',
    );
  });

  it("refuses a currency other than the store's (422)", async () => {
    await refused(
      () => post('/v1/sales', { receiptId: 'R-EUR', total: { amount: 1250, currency: 'EUR' } }),
      422,
      'currency_mismatch',
      'total.currency',
    );
  });

  it('refuses 10 kB strings, unknown fields, bad lines and a missing receipt id (400)', async () => {
    const long = 'x'.repeat(10_000);
    const total = { amount: 1250, currency: 'USD' };
    await refused(() => post('/v1/sales', { receiptId: long, total }), 400, 'invalid_input', 'receiptId');
    await refused(
      () =>
        post('/v1/sales', {
          receiptId: 'R-LONG',
          total,
          lines: [{ sku: long, quantity: 1, amount: 1250 }],
        }),
      400,
      'invalid_input',
      'lines.0.sku',
    );
    await refused(() => post('/v1/sales', { receiptId: 'R-X', total, customer: 'x' }), 400, 'invalid_input');
    await refused(
      () => post('/v1/sales', { receiptId: 'R-Q', total, lines: [{ sku: 'A', quantity: 0, amount: 1 }] }),
      400,
      'invalid_input',
      'lines.0.quantity',
    );
    await refused(() => post('/v1/sales', { total }), 400, 'invalid_input', 'receiptId');
    await refused(() => post('/v1/sales', [1, 2]), 400, 'invalid_input');
  });

  it('refuses malformed JSON (400), a non-JSON body (415) and an empty body (400)', async () => {
    await refused(() => post('/v1/sales', '{"receiptId": "R-1",'), 400, 'invalid_json', null);
    await refused(
      () => post('/v1/sales', 'receiptId=R-1', { headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
    await refused(() => posRequest(pos.port, { method: 'POST', path: '/v1/sales' }), 400, 'invalid_input');
  });

  it('refuses a body over 64 kB (413)', async () => {
    const big = json({ receiptId: 'R-BIG', total: { amount: 1, currency: 'USD' }, pad: 'x'.repeat(70_000) });
    await refused(() => post('/v1/sales', big), 413, 'payload_too_large');
  });
});

describe('authentication and the Host header', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'pos-test-token-0123456789abcdeX'],
    ['a short token', 'x'],
    ['an empty token', ''],
  ])('refuses %s (401) on every route', async (_name, token) => {
    const answers = [
      () => post('/v1/sales', { receiptId: 'R-AUTH', total: { amount: 1, currency: 'USD' } }, { token }),
      () => get('/v1/sales/R-1', { token }),
      () => post('/v1/sales/R-1/refund', {}, { token }),
      () => posRequest(pos.port, { method: 'DELETE', path: '/v1/sales/R-1', token }),
    ];
    for (const request of answers) {
      const answer = await refused(request, 401, 'unauthorized');
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('refuses a token sent any way but as a Bearer header', async () => {
    await refused(
      () => get('/v1/sales/R-1', { token: null, headers: { authorization: `Basic ${'pos-test-token'}` } }),
      401,
      'unauthorized',
    );
  });

  it('refuses a foreign Host header (403), even with the right token', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${pos.port}`,
      '127.0.0.1:1',
      'localhost.evil.example',
    ]) {
      await refused(
        () =>
          post(
            '/v1/sales',
            { receiptId: 'R-HOST', total: { amount: 1, currency: 'USD' } },
            { headers: { host } },
          ),
        403,
        'forbidden_host',
      );
    }
    expect((await get('/v1/sales/R-1', { headers: { host: `localhost:${pos.port}` } })).status).toBe(200);
  });
});

describe('GET /v1/sales/{receiptId}', () => {
  it('answers an unknown receipt with 404', async () => {
    await refused(() => get('/v1/sales/NOPE'), 404, 'unknown_sale', 'receiptId');
  });

  it('refuses an invalid receipt id in the path (400)', async () => {
    await refused(() => get(`/v1/sales/${'%20'.repeat(3)}`), 400, 'invalid_input', 'receiptId');
    await refused(() => get('/v1/sales/%E0%A4%A'), 400, 'invalid_input', 'receiptId');
  });

  it('answers unknown routes 404 and wrong methods 405', async () => {
    await refused(() => get('/v2/sales'), 404, 'not_found');
    await refused(() => get('/v1/sales'), 405, 'method_not_allowed');
    await refused(
      () => posRequest(pos.port, { method: 'PUT', path: '/v1/sales/R-1' }),
      405,
      'method_not_allowed',
    );
  });

  it('shows the check-in: masked customer, points earned, then the reward applied and its discount', async () => {
    const checkIn = pos.kiosk.ledger.checkIn(PHONE, {
      receiptId: 'R-1',
      total: { amount: 1, currency: 'USD' },
    });
    // The screen passes the receipt id; the kiosk checks in the sale as the POS posted it.
    expect(checkIn).toMatchObject({ status: 'checked_in', pointsEarned: 125 });
    expect(pos.kiosk.pendingSale()).toBeNull();
    const answer = await get('/v1/sales/R-1');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      receiptId: 'R-1',
      status: 'checked-in',
      customer: { maskedPhone: '••• 0147' },
      pointsEarned: 125,
      rewardsApplied: [],
    });
    expect(answer.text).not.toContain('555');

    pos.kiosk.ledger.redeem(PHONE, 'reward-100', 'R-1');
    const after = await get('/v1/sales/R-1');
    expect(after.body.rewardsApplied).toEqual([
      {
        id: 'reward-100',
        name: 'Reward at 100 points',
        discount: { amount: 500, currency: 'USD' },
        saleLine: null,
      },
    ]);
  });

  it('url-decodes receipt ids with / and #', async () => {
    const sale = { receiptId: 'STORE/1#42', total: { amount: 300, currency: 'USD' } };
    expect((await post('/v1/sales', sale)).status).toBe(201);
    const answer = await get(`/v1/sales/${encodeURIComponent('STORE/1#42')}`);
    expect(answer.body).toMatchObject({ receiptId: 'STORE/1#42', status: 'awaiting-check-in' });
    expect(
      (
        await posRequest(pos.port, {
          method: 'DELETE',
          path: `/v1/sales/${encodeURIComponent('STORE/1#42')}`,
        })
      ).status,
    ).toBe(200);
  });
});

describe('POST /v1/sales/{receiptId}/refund', () => {
  it('refuses a refund beyond the sale (422)', async () => {
    await refused(
      () => post('/v1/sales/R-1/refund', { amount: { amount: 12_501, currency: 'USD' } }),
      422,
      'refund_exceeds_sale',
      'amount',
    );
  });

  it('refuses fractional, negative, foreign-currency and mixed refunds', async () => {
    await refused(
      () => post('/v1/sales/R-1/refund', { amount: { amount: 1.5, currency: 'USD' } }),
      400,
      'invalid_amount',
      'amount.amount',
    );
    await refused(
      () => post('/v1/sales/R-1/refund', { amount: { amount: -5, currency: 'USD' } }),
      400,
      'invalid_amount',
      'amount.amount',
    );
    await refused(
      () => post('/v1/sales/R-1/refund', { amount: { amount: 500, currency: 'EUR' } }),
      422,
      'currency_mismatch',
      'amount.currency',
    );
    await refused(
      () =>
        post('/v1/sales/R-1/refund', {
          amount: { amount: 500, currency: 'USD' },
          lines: [{ line: 0, quantity: 1 }],
        }),
      400,
      'invalid_input',
      'lines',
    );
    await refused(() => post('/v1/sales/R-1/refund', '{'), 400, 'invalid_json');
  });

  it('refuses an unknown receipt (404) and a sale nobody checked in (409)', async () => {
    await refused(() => post('/v1/sales/NOPE/refund', {}), 404, 'unknown_sale');
    expect(
      (await post('/v1/sales', { receiptId: 'R-WAIT', total: { amount: 1000, currency: 'USD' } })).status,
    ).toBe(201);
    await refused(() => post('/v1/sales/R-WAIT/refund', {}), 409, 'not_checked_in');
  });

  it('reverses the right points on a partial refund, then the rest', async () => {
    const partial = await post('/v1/sales/R-1/refund', { amount: { amount: 5000, currency: 'USD' } });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({
      receiptId: 'R-1',
      refunded: { amount: 5000, currency: 'USD' },
      pointsReversed: 50,
      refundableLeft: 7500,
    });
    expect(partial.body).not.toHaveProperty('balance');
    const rest = await post('/v1/sales/R-1/refund', undefined);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ pointsReversed: 75, refundableLeft: 0 });
    const view = await get('/v1/sales/R-1');
    expect(view.body.refunded).toEqual({ amount: { amount: 12_500, currency: 'USD' }, pointsReversed: 125 });
    await refused(() => post('/v1/sales/R-1/refund', {}), 422, 'refund_exceeds_sale');
  });
});

describe('DELETE /v1/sales/{receiptId}', () => {
  it('cancels a sale awaiting check-in, idempotently, and the screen goes back to idle', async () => {
    expect(pos.kiosk.pendingSale()).toMatchObject({ sale: { receiptId: 'R-WAIT' } });
    const answer = await posRequest(pos.port, { method: 'DELETE', path: '/v1/sales/R-WAIT' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ receiptId: 'R-WAIT', status: 'cancelled' });
    expect(pos.kiosk.pendingSale()).toBeNull();
    const before = pos.state();
    const again = await posRequest(pos.port, { method: 'DELETE', path: '/v1/sales/R-WAIT' });
    expect(again.body).toMatchObject({ status: 'cancelled' });
    expect(pos.state()).toBe(before);
    // A cancelled sale cannot be checked in.
    expect(() =>
      pos.kiosk.ledger.checkIn(PHONE, { receiptId: 'R-WAIT', total: { amount: 1000, currency: 'USD' } }),
    ).toThrow(/cancelled/);
  });

  it('refuses to cancel a checked-in sale (409) and an unknown one (404)', async () => {
    await refused(
      () => posRequest(pos.port, { method: 'DELETE', path: '/v1/sales/R-1' }),
      409,
      'sale_not_awaiting',
    );
    await refused(
      () => posRequest(pos.port, { method: 'DELETE', path: '/v1/sales/NOPE' }),
      404,
      'unknown_sale',
    );
  });
});

describe('expiry', () => {
  it('expires a sale not checked in within the configured time, and the screen returns to idle', async () => {
    expect(
      (await post('/v1/sales', { receiptId: 'R-EXP', total: { amount: 700, currency: 'USD' } })).status,
    ).toBe(201);
    expect(pos.kiosk.pendingSale()?.sale.receiptId).toBe('R-EXP');
    pos.clock.advance(301_000);
    expect(pos.kiosk.pendingSale()).toBeNull();
    expect((await get('/v1/sales/R-EXP')).body.status).toBe('expired');
    expect(() =>
      pos.kiosk.ledger.checkIn(PHONE, { receiptId: 'R-EXP', total: { amount: 700, currency: 'USD' } }),
    ).toThrow(/expired/);
    await refused(
      () => posRequest(pos.port, { method: 'DELETE', path: '/v1/sales/R-EXP' }),
      409,
      'sale_not_awaiting',
    );
  });
});

describe('GET /openapi.json', () => {
  it('serves the OpenAPI document of every route', async () => {
    const answer = await get('/openapi.json', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    expect(Object.keys(answer.body.paths).sort()).toEqual([
      '/v1/sales',
      '/v1/sales/{receiptId}',
      '/v1/sales/{receiptId}/refund',
    ]);
    expect(answer.body.paths['/v1/sales/{receiptId}']).toHaveProperty('delete');
    expect(answer.body.components.schemas.SaleRequest.properties.total).toBeDefined();
    expect(answer.body.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });
});

describe('kiosk status', () => {
  it('shows the manager where the POS API listens and which token it takes, never the whole token', () => {
    const status = pos.kiosk.status();
    expect(status.pos).toMatchObject({
      enabled: true,
      url: pos.url,
      error: null,
      tokenSource: 'environment',
      tokenHint: '…cdef',
    });
    expect(JSON.stringify(status)).not.toContain('pos-test-token');
  });
});

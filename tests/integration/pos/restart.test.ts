import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POS_TOKEN_FILE, readPosConfig, PosConfigError } from '../../../src/main/pos';
import { json, posRequest, startPosKiosk } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-pos-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the POS link across restarts', () => {
  it('makes a token at first start (0600), keeps it, and keeps a sale awaiting check-in', async () => {
    const first = await startPosKiosk({ token: null }, dir);
    const file = join(dir, POS_TOKEN_FILE);
    const token = readFileSync(file, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.kiosk.status().pos).toMatchObject({
      tokenSource: 'file',
      tokenFile: file,
      tokenHint: `…${token.slice(-4)}`,
    });
    const sale = { receiptId: 'R-KEEP', total: { amount: 450, currency: 'USD' } };
    const posted = await posRequest(first.port, {
      method: 'POST',
      path: '/v1/sales',
      body: json(sale),
      token,
    });
    expect(posted.status).toBe(201);
    await first.close();

    const second = await startPosKiosk({ token: null }, dir);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(second.kiosk.pendingSale()).toMatchObject({ sale, wouldEarn: { points: 4 } });
    const read = await posRequest(second.port, { path: '/v1/sales/R-KEEP', token });
    expect(read.body).toMatchObject({ receiptId: 'R-KEEP', status: 'awaiting-check-in' });
    const again = await posRequest(second.port, {
      method: 'POST',
      path: '/v1/sales',
      body: json(sale),
      token,
    });
    expect(again.status).toBe(200);
    await second.close();
  });

  it('rate limits a client that sends too many requests (429)', async () => {
    // The limit is per client address; all test requests come from 127.0.0.1, so take it low.
    const limited = await startPosKioskWithLimit();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await posRequest(limited.port, { path: '/v1/sales/R-NONE' }));
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 429, 429]);
    expect(answers[3]!.body.error.code).toBe('rate_limited');
    expect(answers[3]!.headers['retry-after']).toBe('60');
    await limited.close();
  });

  it('reads KIOSK_POS_* and refuses bad values', () => {
    expect(readPosConfig({})).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 7311,
      token: null,
      saleTtlSeconds: 300,
    });
    expect(
      readPosConfig({
        KIOSK_POS_HOST: '0.0.0.0',
        KIOSK_POS_PORT: '8000',
        KIOSK_POS_TOKEN: 'a-long-enough-token',
        KIOSK_POS_SALE_TTL_SECONDS: '60',
      }),
    ).toMatchObject({ host: '0.0.0.0', port: 8000, token: 'a-long-enough-token', saleTtlSeconds: 60 });
    expect(() => readPosConfig({ KIOSK_POS_PORT: '73.11' })).toThrow(PosConfigError);
    expect(() => readPosConfig({ KIOSK_POS_TOKEN: 'short' })).toThrow(PosConfigError);
    expect(() => readPosConfig({ KIOSK_POS_SALE_TTL_SECONDS: '0' })).toThrow(PosConfigError);
  });
});

async function startPosKioskWithLimit() {
  return startPosKiosk({}, undefined, { requests: 3, windowMs: 60_000 });
}

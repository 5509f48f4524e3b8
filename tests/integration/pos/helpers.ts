import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKiosk, type Kiosk } from '../../../src/main/kiosk';
import { memoryLog } from '../../../src/main/logging';
import type { PosConfig } from '../../../src/main/pos';
import { manualClock, tableCounts } from '../../helpers/ledger';

export const POS_TOKEN = 'pos-test-token-0123456789abcdef';

export interface PosKiosk {
  kiosk: Kiosk;
  url: string;
  port: number;
  dataDir: string;
  clock: ReturnType<typeof manualClock>;
  log: ReturnType<typeof memoryLog>;
  /** Everything a refused request must leave as it was: every table's rows and the POS's sales. */
  state(): string;
  close(): Promise<void>;
}

/** A real kiosk (SQLite in a temp folder) with its POS API on a free port of 127.0.0.1. */
export async function startPosKiosk(
  pos: Partial<PosConfig> = {},
  dataDir?: string,
  rateLimit?: { requests: number; windowMs: number },
): Promise<PosKiosk> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'kiosk-pos-'));
  const clock = manualClock();
  const log = memoryLog();
  const kiosk = openKiosk({
    dataDir: dir,
    config: { store: { country: 'US', currency: 'USD', timeZone: 'America/New_York' } },
    host: 'browser',
    appVersion: '0.0.0-test',
    log,
    clock,
    fetch: () => Promise.reject(new Error('no network in this test')),
    pos: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      token: POS_TOKEN,
      saleTtlSeconds: 300,
      ...pos,
      ...(rateLimit ? { rateLimit } : {}),
    },
  });
  const api = await kiosk.pos.api;
  if (!api) throw new Error(`POS API did not start: ${JSON.stringify(kiosk.status().pos)}`);
  return {
    kiosk,
    url: api.url,
    port: api.port,
    dataDir: dir,
    clock,
    log,
    state: () =>
      JSON.stringify([
        tableCounts(kiosk.db),
        kiosk.db.prepare('SELECT * FROM pos_sales ORDER BY receipt_id').all(),
        kiosk.db.prepare('SELECT * FROM receipts ORDER BY receipt_id').all(),
      ]),
    async close() {
      await kiosk.dispose();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
  body: any;
  text: string;
}

/** A raw HTTP request (any Host, any body bytes) to the POS API. */
export function posRequest(
  port: number,
  {
    method = 'GET',
    path = '/',
    headers = {},
    body,
    token = POS_TOKEN,
  }: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    token?: string | null;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          host: `127.0.0.1:${port}`,
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = null;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parsed, text });
        });
      },
    );
    request.on('error', reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

export const json = (value: unknown) => JSON.stringify(value);

export const SALE = {
  receiptId: 'R-1',
  total: { amount: 12_500, currency: 'USD' },
  lines: [
    { sku: 'LATTE', category: 'coffee', quantity: 2, amount: 900 },
    { sku: 'BEANS', category: 'retail', quantity: 1, amount: 11_600 },
  ],
};

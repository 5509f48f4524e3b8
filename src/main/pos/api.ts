import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import type { Log } from '../logging';
import { errorCodes, isKioskError, type ErrorCode } from '../../shared/errors';
import { ReceiptIdSchema } from '../../shared/ids';
import {
  PosRefundRequestSchema,
  PosSaleRequestSchema,
  posErrorCodes,
  type PosErrorCode,
} from '../../shared/pos';
import { openApiDocument } from './openapi';
import { PosFailure, type PosService } from './service';

/**
 * The POS link's HTTP API on Node's http module. Every request goes through, in order: the Host
 * check (a page on another site cannot reach us through DNS rebinding), the rate limit, the Bearer
 * token (constant-time), the route, the body limit, JSON and the zod contract. Every refusal is
 * `{ error: { code, message, field } }` with a 4xx, and is decided before anything is written.
 */

export const POS_BODY_LIMIT = 64 * 1024;

export interface PosApiOptions {
  service: PosService;
  token: string;
  host: string;
  port: number;
  log: Log;
  /** Requests allowed per client per window (600 a minute by default). */
  rateLimit?: { requests: number; windowMs: number };
  now?: () => number;
}

export interface PosApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: PosErrorCode,
    message?: string,
    readonly field: string | null = null,
  ) {
    super(message ?? messageOf(code));
  }
}

function messageOf(code: PosErrorCode): string {
  return code in posErrorCodes
    ? posErrorCodes[code as keyof typeof posErrorCodes]
    : errorCodes[code as ErrorCode];
}

const STATUS_OF: Partial<Record<PosErrorCode, number>> = {
  invalid_amount: 400,
  unknown_currency: 400,
  invalid_input: 400,
  currency_mismatch: 422,
  refund_exceeds_sale: 422,
  already_checked_in: 409,
  unknown_receipt: 404,
  unknown_sale: 404,
  receipt_conflict: 409,
  sale_not_awaiting: 409,
  not_checked_in: 409,
};

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** A fixed-window counter per client address. */
function rateLimiter(requests: number, windowMs: number, now: () => number) {
  const windows = new Map<string, { start: number; count: number }>();
  return (client: string): boolean => {
    const at = now();
    let window = windows.get(client);
    if (!window || at - window.start >= windowMs) {
      if (windows.size > 1000) windows.clear();
      window = { start: at, count: 0 };
      windows.set(client, window);
    }
    window.count += 1;
    return window.count <= requests;
  };
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = (issue?.path ?? []).map(String).join('.') || null;
  const code: ErrorCode =
    field !== null && /(^|\.)currency$/.test(field)
      ? 'unknown_currency'
      : field !== null && /(^|\.)amount$/.test(field)
        ? 'invalid_amount'
        : 'invalid_input';
  throw new HttpRefusal(
    400,
    code,
    issue ? `${issue.message}${field ? ` (${field})` : ''}` : undefined,
    field,
  );
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > POS_BODY_LIMIT) {
    request.resume();
    throw new HttpRefusal(413, 'payload_too_large', `The body is larger than ${POS_BODY_LIMIT} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > POS_BODY_LIMIT) {
      throw new HttpRefusal(413, 'payload_too_large', `The body is larger than ${POS_BODY_LIMIT} bytes.`);
    }
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  if (type !== 'application/json') throw new HttpRefusal(415, 'unsupported_media_type');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpRefusal(400, 'invalid_json');
  }
}

function receiptIdOf(segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new HttpRefusal(400, 'invalid_input', 'The receipt id in the path is not valid.', 'receiptId');
  }
  const result = ReceiptIdSchema.safeParse(decoded);
  if (!result.success) {
    throw new HttpRefusal(
      400,
      'invalid_input',
      `${result.error.issues[0]?.message ?? ''} (receiptId)`,
      'receiptId',
    );
  }
  return result.data;
}

export function startPosApi({
  service,
  token,
  host,
  port,
  log,
  rateLimit = { requests: 600, windowMs: 60_000 },
  now = Date.now,
}: PosApiOptions): Promise<PosApi> {
  const expected = digest(`Bearer ${token}`);
  const allow = rateLimiter(rateLimit.requests, rateLimit.windowMs, now);
  let boundPort = port;

  function hostAllowed(header: string | undefined): boolean {
    if (!header) return false;
    // Bound to every interface (configured on purpose): the token is the guard.
    if (host === '0.0.0.0' || host === '::') return true;
    const names = new Set(['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host]);
    const match = /^(.+?)(?::(\d+))?$/.exec(header.toLowerCase());
    return !!match && names.has(match[1]!) && (match[2] === undefined || Number(match[2]) === boundPort);
  }

  function send(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    });
    response.end(text);
  }

  async function route(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(request.url ?? '/', 'http://pos.invalid');
    const method = request.method ?? 'GET';
    const path = url.pathname;
    if (path === '/openapi.json') {
      if (method !== 'GET') throw new HttpRefusal(405, 'method_not_allowed');
      return { status: 200, body: openApiDocument() };
    }
    const authorization = request.headers.authorization ?? '';
    if (!timingSafeEqual(digest(authorization), expected)) throw new HttpRefusal(401, 'unauthorized');

    if (path === '/v1/sales') {
      if (method !== 'POST') throw new HttpRefusal(405, 'method_not_allowed');
      const sale = parse(PosSaleRequestSchema, await readJson(request));
      const { created, sale: view } = service.postSale(sale);
      return { status: created ? 201 : 200, body: view };
    }
    const match = /^\/v1\/sales\/([^/]+)(\/refund)?$/.exec(path);
    if (!match) throw new HttpRefusal(404, 'not_found');
    const receiptId = receiptIdOf(match[1]!);
    if (match[2]) {
      if (method !== 'POST') throw new HttpRefusal(405, 'method_not_allowed');
      const body = await readJson(request);
      const refund = parse(PosRefundRequestSchema, body ?? {});
      return { status: 200, body: service.refund(receiptId, refund) };
    }
    if (method === 'GET') return { status: 200, body: service.getSale(receiptId) };
    if (method === 'DELETE') return { status: 200, body: service.cancelSale(receiptId) };
    throw new HttpRefusal(405, 'method_not_allowed');
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const started = Date.now();
    let status = 500;
    try {
      if (!hostAllowed(request.headers.host)) throw new HttpRefusal(403, 'forbidden_host');
      if (!allow(request.socket.remoteAddress ?? 'unknown')) {
        throw new HttpRefusal(429, 'rate_limited');
      }
      const answer = await route(request);
      status = answer.status;
      send(response, status, answer.body);
    } catch (error) {
      const refusal =
        error instanceof HttpRefusal
          ? error
          : error instanceof PosFailure
            ? new HttpRefusal(STATUS_OF[error.code] ?? 400, error.code, error.message, error.field)
            : isKioskError(error)
              ? new HttpRefusal(STATUS_OF[error.code] ?? 400, error.code, error.message, error.field ?? null)
              : null;
      if (!refusal) log.error('pos_request_failed', { error: (error as Error).stack ?? String(error) });
      const final = refusal ?? new HttpRefusal(500, 'internal');
      status = final.status;
      send(
        response,
        status,
        { error: { code: final.code, message: final.message, field: final.field } },
        {
          ...(status === 401 ? { 'www-authenticate': 'Bearer realm="kiosk-pos"' } : {}),
          ...(status === 429 ? { 'retry-after': String(Math.ceil(rateLimit.windowMs / 1000)) } : {}),
          ...(status === 413 ? { connection: 'close' } : {}),
        },
      );
    } finally {
      log.info('pos_request', {
        method: request.method,
        path: (request.url ?? '').slice(0, 200),
        status,
        ms: Date.now() - started,
      });
    }
  }

  const server: Server = createServer(
    { requestTimeout: 10_000, headersTimeout: 10_000 },
    (request, response) => {
      void handle(request, response);
    },
  );
  server.maxHeadersCount = 50;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      boundPort = (server.address() as AddressInfo).port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${boundPort}/`,
        port: boundPort,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

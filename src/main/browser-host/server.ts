import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatch } from '../ipc/dispatch';
import type { Log } from '../logging';
import { securityHeaders } from '../security/csp';
import { contentTypeOf, resolveStaticPath } from '../security/static-files';
import { shellErrorCodes, type IpcErrorCode, type IpcResult } from '../../shared/ipc';

/**
 * The browser host: the kiosk's renderer and its IPC contract served over HTTP to a browser on
 * this machine, for machines with no Electron binary and for end-to-end tests in Chromium.
 *
 * - Listens on 127.0.0.1 only.
 * - Serves the built renderer with the same path guard and CSP as the app:// protocol.
 * - Answers `POST /api/v1/<channel>` with body `{ "input": … }` through the same dispatcher as
 *   the Electron router, so the answer is the same `{ ok, value }` / `{ ok: false, code, message }`.
 * - Every API call must carry the per-start token (header `x-kiosk-token`), which the page gets
 *   in a meta tag of the served index.html; and every request must name this host in `Host` (and
 *   `Origin`, when sent), which stops DNS rebinding and other sites' pages from using the API.
 */

export const TOKEN_META_NAME = 'kiosk-host-token';
export const TOKEN_HEADER = 'x-kiosk-token';
export const API_PREFIX = '/api/v1/';
const MAX_BODY_BYTES = 256 * 1024;

export interface BrowserHostOptions {
  dispatch: Dispatch;
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  log: Log;
  /** Fixed token for tests; a fresh random one by default. */
  token?: string;
  /** Records each API request (the activity tracker's touch). */
  onRequest?: () => void;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The HTTP status of a contract answer. */
export function httpStatusOf(result: IpcResult<unknown>): number {
  if (result.ok) return 200;
  const byCode: Partial<Record<IpcErrorCode, number>> = {
    unauthorized: 401,
    forbidden: 403,
    unknown_channel: 404,
    internal: 500,
    server_unreachable: 502,
    invalid_input: 400,
    invalid_phone: 400,
    invalid_amount: 400,
    unknown_currency: 400,
    currency_mismatch: 400,
    consent_required: 400,
  };
  return byCode[result.code] ?? 422;
}

export async function startBrowserHost({
  dispatch,
  rendererDir,
  port,
  log,
  token = randomBytes(32).toString('base64url'),
  onRequest,
}: BrowserHostOptions): Promise<BrowserHost> {
  const expectedToken = Buffer.from(token);
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  function send(response: ServerResponse, status: number, body: string | Buffer | null, headers = {}): void {
    response.writeHead(status, { ...securityHeaders(), ...headers });
    response.end(body);
  }

  function sendResult(response: ServerResponse, result: IpcResult<unknown>): void {
    send(response, httpStatusOf(result), JSON.stringify(result), {
      'content-type': 'application/json; charset=utf-8',
    });
  }

  const refuse = (code: 'forbidden' | 'unauthorized' | 'unknown_channel', message?: string) =>
    ({ ok: false, code, message: message ?? shellErrorCodes[code] }) as const;

  /** Why a request's Host, Origin or fetch metadata is not ours, or null. */
  function foreignRequest(request: IncomingMessage): string | null {
    const host = request.headers.host;
    if (!host || !allowedHosts.has(host.toLowerCase())) return `foreign Host header ${host ?? '(none)'}`;
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) return `foreign Origin ${origin}`;
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      return `cross-site request (${site})`;
    return null;
  }

  function hasToken(request: IncomingMessage): boolean {
    const given = request.headers[TOKEN_HEADER];
    if (typeof given !== 'string') return false;
    const bytes = Buffer.from(given);
    return bytes.length === expectedToken.length && timingSafeEqual(bytes, expectedToken);
  }

  async function readBody(request: IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function serveApi(request: IncomingMessage, response: ServerResponse, pathname: string) {
    if (request.method !== 'POST') {
      send(response, 405, null, { allow: 'POST' });
      return;
    }
    if (!hasToken(request)) {
      log.warn('host_token_refused', { path: pathname.slice(0, 100) });
      sendResult(response, refuse('unauthorized'));
      return;
    }
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/json(\s*;|$)/i.test(type)) {
      send(
        response,
        415,
        JSON.stringify({ ok: false, code: 'invalid_input', message: 'Send application/json.' }),
        {
          'content-type': 'application/json; charset=utf-8',
        },
      );
      return;
    }
    const text = await readBody(request);
    if (text === null) {
      send(
        response,
        413,
        JSON.stringify({ ok: false, code: 'invalid_input', message: 'The request is too large.' }),
        {
          'content-type': 'application/json; charset=utf-8',
        },
      );
      return;
    }
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      sendResult(response, {
        ok: false,
        code: 'invalid_input',
        message: 'The request body is not valid JSON.',
      });
      return;
    }
    if (
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body) ||
      Object.keys(body).some((k) => k !== 'input')
    ) {
      sendResult(response, {
        ok: false,
        code: 'invalid_input',
        message: 'Send { "input": … } and nothing else.',
      });
      return;
    }
    onRequest?.();
    const channel = decodeURIComponent(pathname.slice(API_PREFIX.length));
    sendResult(response, await dispatch(channel, (body as { input?: unknown }).input));
  }

  async function serveFile(request: IncomingMessage, response: ServerResponse, pathname: string) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, null, { allow: 'GET, HEAD' });
      return;
    }
    const file = resolveStaticPath(rendererDir, pathname);
    if (file === null) {
      send(response, 404, null);
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      send(response, 404, null);
      return;
    }
    if (file.endsWith('.html')) {
      // The page learns the token from its own HTML; no other origin can read this response.
      const meta = `<meta name="${TOKEN_META_NAME}" content="${token}" />`;
      body = Buffer.from(body.toString('utf8').replace('</head>', `    ${meta}\n  </head>`));
    }
    send(response, 200, request.method === 'HEAD' ? null : body, { 'content-type': contentTypeOf(file) });
  }

  const server = createServer((request, response) => {
    const handle = async () => {
      const problem = foreignRequest(request);
      if (problem) {
        log.warn('host_request_refused', { problem, path: (request.url ?? '').slice(0, 100) });
        sendResult(response, refuse('forbidden'));
        return;
      }
      let pathname: string;
      try {
        pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      } catch {
        send(response, 400, null);
        return;
      }
      if (pathname.startsWith(API_PREFIX)) await serveApi(request, response, pathname);
      else if (pathname.startsWith('/api/')) sendResult(response, refuse('unknown_channel'));
      else await serveFile(request, response, pathname);
    };
    handle().catch((error: unknown) => {
      log.error('host_request_failed', { error });
      if (!response.headersSent)
        sendResult(response, { ok: false, code: 'internal', message: shellErrorCodes.internal });
      else response.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${bound}`, `localhost:${bound}`]);
  allowedOrigins = new Set([...allowedHosts].map((host) => `http://${host}`));
  const url = `http://127.0.0.1:${bound}/`;
  log.info('browser_host_listening', { url });

  return {
    url,
    port: bound,
    token,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

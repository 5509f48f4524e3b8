import type { z } from 'zod';
import { ApiErrorSchema, SeqGapResponseSchema, type ApiErrorCode } from '../../shared/sync';

/**
 * The till's side of the HTTP wire: one request with a deadline, its answer parsed with the
 * contract's zod schema, and every failure turned into a SyncFailure that says whether to retry
 * and, in plain words, what went wrong. Only `fetch` is injected, so tests and the Electron shell
 * pass their own (a proxy, net.fetch).
 */

/** The part of the WHATWG fetch the engine uses. */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    signal: AbortSignal;
    redirect?: 'error';
  },
) => Promise<{
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export type FailureKind =
  /** No answer: refused, reset, DNS, timeout. Retry with backoff. */
  | 'network'
  /** 5xx, or an answer that is not the contract's. Retry with backoff. */
  | 'server'
  /** 429: retry after the time the server asked for. */
  | 'rate_limited'
  /** 413: split the batch. */
  | 'too_large'
  /** 401/403: the token is unknown or revoked; the manager must pair again. */
  | 'auth'
  /** 409 seq_gap: the server is missing events this till thought it had sent. */
  | 'seq_gap'
  /** Any other 4xx: the server refused the request itself (nothing was stored). */
  | 'refused';

export class SyncFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly detail: {
      status?: number;
      code?: ApiErrorCode;
      field?: string;
      retryAfterMs?: number;
      expectedSeq?: number;
    } = {},
  ) {
    super(message);
    this.name = 'SyncFailure';
  }

  get retryable(): boolean {
    return this.kind === 'network' || this.kind === 'server' || this.kind === 'rate_limited';
  }
}

export interface Reply<T> {
  body: T;
  /** The server's clock from the Date header, when it sent one. */
  serverDate: Date | null;
}

export interface Transport {
  request<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    options: { schema: S; body?: unknown; timeoutMs: number; token?: string; signal?: AbortSignal },
  ): Promise<Reply<z.output<S>>>;
}

export function createTransport(serverUrl: () => string, fetchImpl: FetchLike): Transport {
  return {
    async request(method, path, { schema, body, timeoutMs, token, signal }) {
      const base = serverUrl().replace(/\/+$/, '');
      const deadline = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let status: number;
      let text: string;
      let dateHeader: string | null;
      let retryAfter: string | null;
      try {
        const response = await fetchImpl(`${base}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
          signal: combined,
          redirect: 'error',
        });
        status = response.status;
        dateHeader = response.headers.get('date');
        retryAfter = response.headers.get('retry-after');
        // The body is read under the same deadline: a server that sends headers and then stalls
        // is as unreachable as one that never answers.
        text = await response.text();
      } catch (error) {
        throw new SyncFailure('network', describeNetworkError(error, deadline.aborted, timeoutMs));
      }
      let json: unknown;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (status >= 200 && status < 300) {
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          throw new SyncFailure(
            'server',
            `The server's answer to ${method} ${path} was not understood (HTTP ${status}).`,
            { status },
          );
        }
        const serverDate = dateHeader ? new Date(dateHeader) : null;
        return {
          body: parsed.data,
          serverDate: serverDate && !Number.isNaN(serverDate.getTime()) ? serverDate : null,
        };
      }
      throw failureOf(status, json, retryAfter);
    },
  };
}

function failureOf(status: number, json: unknown, retryAfter: string | null): SyncFailure {
  const apiError = ApiErrorSchema.safeParse(json);
  const code = apiError.success ? apiError.data.error.code : undefined;
  const message = apiError.success ? apiError.data.error.message : `HTTP ${status}`;
  const field = apiError.success ? apiError.data.error.field : undefined;
  const base = { status, ...(code ? { code } : {}), ...(field ? { field } : {}) };
  // Retry-After in seconds (a 429, or a 503 from a busy server); the HTTP-date form is not sent.
  const seconds = Number(retryAfter ?? '');
  const wait = Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {};
  if (status >= 500) {
    return new SyncFailure('server', `The server had a problem (${message}).`, {
      ...base,
      ...(status === 503 ? wait : {}),
    });
  }
  if (status === 429) {
    return new SyncFailure('rate_limited', 'The server asked the till to slow down.', { ...base, ...wait });
  }
  if (status === 413) return new SyncFailure('too_large', 'The batch was too large for the server.', base);
  if (status === 401 || status === 403) {
    return new SyncFailure(
      'auth',
      code === 'forbidden'
        ? `The server refused this till: ${message}`
        : 'The server no longer accepts this till (its pairing was revoked or is unknown). Pair it again with a new enrolment code.',
      base,
    );
  }
  if (status === 409 && code === 'seq_gap') {
    const gap = SeqGapResponseSchema.safeParse(json);
    return new SyncFailure('seq_gap', message, {
      ...base,
      ...(gap.success ? { expectedSeq: gap.data.expectedSeq } : {}),
    });
  }
  return new SyncFailure('refused', `The server refused the request: ${message}`, base);
}

function describeNetworkError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `The server did not answer within ${Math.round(timeoutMs / 100) / 10} s.`;
  const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error as { code?: string })?.code;
  switch (cause) {
    case 'ECONNREFUSED':
      return 'The server is not answering (connection refused).';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'The connection to the server was cut.';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'The server address could not be found (no network or DNS).';
    default:
      return `The server could not be reached (${error instanceof Error ? error.message : String(error)}).`;
  }
}

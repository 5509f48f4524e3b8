import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ApiError, ApiErrorCode } from '../../../src/shared/sync';
import { DatabaseBusyError } from '../db/database';

/** Seconds a till is asked to wait after a 503: long enough for a burst of pushes to drain. */
const RETRY_AFTER_BUSY_S = 5;

/** An error with an HTTP status and an API error code; its message is safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    /** Extra top-level fields of the error body (e.g. expectedSeq of a 409). */
    readonly extra?: Record<string, unknown>,
    /** Every field at fault, when there are several (as the schema's own 400s list them). */
    readonly issues?: { field: string; message: string }[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * A 400 for problems found after the body passed its schema, worded and shaped like the schema's
 * own: "field: reason", the first field named, every one listed when there are several.
 */
export function invalidInput(issues: { field: string; message: string }[]): HttpError {
  const [first = { field: 'body', message: 'Invalid input.' }] = issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : '';
  return new HttpError(
    400,
    'invalid_input',
    `${first.field}: ${first.message}${more}`,
    first.field,
    undefined,
    issues,
  );
}

/**
 * A push waited longer than the push queue's timeout for a place (http/admission.ts): answered
 * "busy", its body never read.
 */
export class PushQueueTimeoutError extends Error {
  constructor(readonly waitedMs: number) {
    super(`push waited ${waitedMs} ms for a place`);
    this.name = 'PushQueueTimeoutError';
  }
}

export function errorBody(
  code: ApiErrorCode,
  message: string,
  field?: string,
  issues?: { field: string; message: string }[],
): ApiError {
  return {
    error: { code, message, ...(field ? { field } : {}), ...(issues && issues.length > 1 ? { issues } : {}) },
  };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: { issue?: { path?: PropertyKey[]; message?: string } };
}

/** Turns the zod issues fastify reports into "field: reason" pairs. */
function validationIssues(error: FastifyError): { field: string; message: string }[] {
  const context = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  const list = (error.validation ?? []) as ValidationIssue[];
  return list.map((issue) => {
    const path = issue.params?.issue?.path;
    const segments =
      path && path.length > 0
        ? path.map(String)
        : (issue.instancePath ?? '').split('/').filter((segment) => segment !== '');
    const field = segments.length > 0 ? segments.join('.') : context;
    return { field, message: issue.params?.issue?.message ?? issue.message ?? 'Invalid value.' };
  });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(errorBody('not_found', `There is no ${request.method} ${request.url.split('?')[0]} route.`));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // A schema's 400 and a service's HttpError answer alike.
    const answer =
      error instanceof HttpError
        ? error
        : hasZodFastifySchemaValidationErrors(error)
          ? invalidInput(validationIssues(error))
          : undefined;
    if (answer) {
      return reply.code(answer.statusCode).send({
        ...errorBody(answer.code, answer.message, answer.field, answer.issues),
        ...(answer.extra ?? {}),
      });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return reply.code(500).send(errorBody('internal', 'The server made a malformed answer.'));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply
          .code(413)
          .send(errorBody('payload_too_large', 'The request body is larger than the 1 MB limit.'));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply
          .code(415)
          .send(errorBody('unsupported_media_type', 'Send the body as application/json.'));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send(errorBody('invalid_json', 'The JSON body is empty.', 'body'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send(errorBody('invalid_json', 'The body is not valid JSON.', 'body'));
      default:
        break;
    }
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return reply.code(400).send(errorBody('invalid_json', 'The body is not valid JSON.', 'body'));
    }
    if (error.statusCode === 429) {
      return reply
        .code(429)
        .send(errorBody('rate_limited', 'Too many requests; wait and try again (see Retry-After).'));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(errorBody('invalid_input', error.message));
    }
    if (error instanceof DatabaseBusyError || error instanceof PushQueueTimeoutError) {
      // Load, not an outage: the operator's levers are capacity and PG_POOL_SIZE / PUSH_CONCURRENCY.
      if (error instanceof DatabaseBusyError) {
        request.log.warn(
          { poolSize: error.poolSize, waitedMs: error.waitedMs },
          'database pool busy: every connection stayed in use for the whole connection timeout (server overloaded; see PG_POOL_SIZE and PUSH_CONCURRENCY in docs/server.md)',
        );
      } else {
        request.log.warn(
          { waitedMs: error.waitedMs },
          'push queue timeout: answered busy without reading the body (server overloaded; see PUSH_QUEUE_TIMEOUT_SECONDS in docs/server.md)',
        );
      }
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_BUSY_S))
        .send(errorBody('unavailable', 'The server is busy; retry in a few seconds (see Retry-After).'));
    }
    request.log.error({ err: error }, 'request failed');
    if (isDatabaseUnavailable(error)) {
      return reply.code(503).send(errorBody('unavailable', 'The database is unavailable; retry later.'));
    }
    return reply
      .code(500)
      .send(errorBody('internal', 'The server could not complete the request; retry later.'));
  });
}

/** Connection-level failures (database down, restarting, pool exhausted): worth a retry. */
function isDatabaseUnavailable(error: { code?: unknown; message?: string }): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    code.startsWith('08') || // connection exception
    code === '57P01' || // admin shutdown
    code === '57P03' || // cannot connect now
    code === '53300' || // too many connections
    /timeout exceeded when trying to connect|Connection terminated/i.test(error.message ?? '')
  );
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../app';
import { DatabaseBusyError } from '../db/database';
import { createAdmission } from '../http/admission';
import { HttpError, PushQueueTimeoutError } from '../http/errors';
import { lookupCustomer } from '../modules/customers';
import { registerDevice } from '../modules/devices';
import { pull } from '../modules/feed';
import { openFlagsOfStore } from '../modules/flags';
import { push } from '../modules/ledger';
import {
  ApiErrorSchema,
  CustomerLookupResponseSchema,
  PullQuerySchema,
  PullResponseSchema,
  PushRequestFormSchema,
  PushResponseSchema,
  RegisterRequestSchema,
  RegisterResponseSchema,
  SeqGapResponseSchema,
  SyncFlagsResponseSchema,
} from '../../../src/shared/sync';
import { PhoneParamsSchema } from './schemas';

/** The till-facing API: enrolment, push, pull, online customer look-up, the store's open flags. */
export function syncRoutes(context: AppContext) {
  const { db, metrics, config } = context;
  const errors = {
    400: ApiErrorSchema,
    401: ApiErrorSchema,
    403: ApiErrorSchema,
    413: ApiErrorSchema,
    429: ApiErrorSchema,
  };
  const deviceAuth = { preHandler: context.requireDevice };
  const pushAdmission = createAdmission(config.pushConcurrency, {
    maxWaitMs: config.pushQueueTimeoutMs,
    onChange: (inProgress, waiting) => {
      metrics.pushInProgress.set(inProgress);
      metrics.pushWaiting.set(waiting);
    },
  });
  const security = [{ deviceToken: [] }];

  return async function (instance: FastifyInstance) {
    const app = instance.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/v1/devices/register',
      {
        config: { rateLimit: { max: config.rateLimit.registerPerIp, timeWindow: 60_000 } },
        schema: {
          summary: 'Enrol a till with a single-use enrolment code; returns its token (shown once)',
          tags: ['devices'],
          body: RegisterRequestSchema,
          response: { 201: RegisterResponseSchema, 409: ApiErrorSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { response, repaired } = await registerDevice(db, request.body);
        if (repaired) {
          // The audit line for the operator: an existing till was given a new token.
          request.log.warn(
            { audit: 'device.repaired', deviceId: response.deviceId, storeId: response.storeId, ...repaired },
            'device re-paired: new token issued, old token no longer works',
          );
        } else {
          request.log.info({ deviceId: response.deviceId, storeId: response.storeId }, 'device registered');
        }
        return reply.code(201).send(response);
      },
    );

    app.post(
      '/v1/sync/push',
      {
        // Before the body is read: a push waiting here holds a socket, not a parsed batch.
        async onRequest(_request, reply) {
          const entry = await pushAdmission.enter(reply.raw);
          // A request whose client left while it waited is done: nothing to read or answer.
          if (entry === 'gone') reply.hijack();
          if (entry === 'expired') {
            metrics.pushBatches.inc({ outcome: 'busy' });
            throw new PushQueueTimeoutError(config.pushQueueTimeoutMs);
          }
        },
        ...deviceAuth,
        schema: {
          summary:
            'Push up to 500 outbox events, in seq order; each is answered accepted, duplicate or rejected',
          tags: ['sync'],
          security,
          body: PushRequestFormSchema,
          response: { 200: PushResponseSchema, 409: SeqGapResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const device = request.device;
        if (!device) throw new HttpError(401, 'unauthorized', 'No device.');
        metrics.pushBatchSize.observe(request.body.events.length);
        const stop = metrics.pushDuration.startTimer();
        try {
          const { response, stats } = await push(db, device, request.body, {
            now: context.now(),
            clockSkewToleranceMs: config.clockSkewToleranceMs,
          });
          stop();
          metrics.pushBatches.inc({ outcome: 'applied' });
          metrics.pushEvents.inc({ result: 'accepted' }, stats.accepted);
          metrics.pushEvents.inc({ result: 'duplicate' }, stats.duplicate);
          metrics.pushEvents.inc({ result: 'rejected' }, stats.rejected);
          if (stats.overdrawn) metrics.flagsRaised.inc({ kind: 'overdrawn' }, stats.overdrawn);
          if (stats.clockSkewFlagged) {
            metrics.flagsRaised.inc({ kind: 'clock_skew' });
            request.log.warn(
              { deviceId: device.id, clockSkewMs: response.clockSkewMs },
              'till clock is off; flagged for the manager',
            );
          }
          if (stats.rejected) {
            request.log.warn(
              {
                deviceId: device.id,
                rejected: response.results
                  .filter((r) => r.status === 'rejected')
                  .map((r) => ({ seq: r.seq, reason: 'reason' in r ? r.reason : undefined })),
              },
              'push had rejected events',
            );
          }
          // Sent pre-serialised: the body was built from parsed, typed data, and re-validating
          // up to 500 results and balances on every push costs more than it protects.
          return reply.type('application/json').send(JSON.stringify(response) as never);
        } catch (error) {
          const outcome =
            error instanceof HttpError
              ? (({ 409: 'seq_gap', 403: 'forbidden', 401: 'unauthorized' } as Record<number, string>)[
                  error.statusCode
                ] ?? 'invalid')
              : error instanceof DatabaseBusyError
                ? 'busy'
                : 'error';
          metrics.pushBatches.inc({ outcome });
          throw error;
        }
      },
    );

    app.get(
      '/v1/sync/pull',
      {
        ...deviceAuth,
        schema: {
          summary: "Page through the changes of the device's store (balances, store settings, program)",
          tags: ['sync'],
          security,
          querystring: PullQuerySchema,
          response: { 200: PullResponseSchema, ...errors },
        },
      },
      async (request) => {
        const device = request.device;
        if (!device) throw new HttpError(401, 'unauthorized', 'No device.');
        if (request.query.storeId !== undefined && request.query.storeId !== device.storeId) {
          throw new HttpError(403, 'forbidden', 'This device belongs to another store.', 'storeId');
        }
        const page = await pull(db, device.storeId, request.query.cursor, request.query.limit);
        metrics.pullChanges.inc(page.changes.length);
        if (page.resetRequired) metrics.pullResets.inc();
        return page;
      },
    );

    app.get(
      '/v1/customers/:phone',
      {
        ...deviceAuth,
        schema: {
          summary: 'Online look-up of a customer by E.164 phone: balance and masked name',
          tags: ['customers'],
          security,
          params: PhoneParamsSchema,
          response: { 200: CustomerLookupResponseSchema, 404: ApiErrorSchema, ...errors },
        },
      },
      async (request) => lookupCustomer(db, request.params.phone),
    );

    app.get(
      '/v1/sync/flags',
      {
        ...deviceAuth,
        schema: {
          summary: "The open flags of the device's store, newest first; phones masked to the last 4 digits",
          tags: ['sync'],
          security,
          response: { 200: SyncFlagsResponseSchema, ...errors },
        },
      },
      async (request) => {
        const device = request.device;
        if (!device) throw new HttpError(401, 'unauthorized', 'No device.');
        return { flags: await openFlagsOfStore(db, device.storeId) };
      },
    );
  };
}

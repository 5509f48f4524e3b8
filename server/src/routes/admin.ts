import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../app';
import { eraseCustomer } from '../modules/customers';
import { listDevices, revokeDevice } from '../modules/devices';
import { runExpiry } from '../modules/expiry';
import { listFlags } from '../modules/flags';
import { voidEvent } from '../modules/ledger';
import { dailyReport, dailyReportCsv } from '../modules/reports';
import { createEnrollmentCode, createStore, listStores, setProgram } from '../modules/stores';
import { ProgramSchema } from '../../../src/shared/program';
import { ApiErrorSchema, SeqGapResponseSchema } from '../../../src/shared/sync';
import {
  CreateEnrollmentCodeRequestSchema,
  CreateStoreRequestSchema,
  DailyReportSchema,
  DeviceParamsSchema,
  DeviceResponseSchema,
  DevicesQuerySchema,
  EnrollmentCodeResponseSchema,
  EraseResponseSchema,
  ExpiryRunResponseSchema,
  FlagsQuerySchema,
  FlagsResponseSchema,
  PhoneParamsSchema,
  ReportQuerySchema,
  StoreParamsSchema,
  StoreResponseSchema,
  VoidEventParamsSchema,
  VoidEventRequestSchema,
  VoidEventResponseSchema,
} from './schemas';

/** Operator API (Bearer ADMIN_TOKEN): stores, enrolment codes, devices, flags, erasure, reports. */
export function adminRoutes(context: AppContext) {
  const { db } = context;
  const errors = {
    400: ApiErrorSchema,
    401: ApiErrorSchema,
    404: ApiErrorSchema,
    429: ApiErrorSchema,
    503: ApiErrorSchema,
  };
  const admin = { preHandler: context.requireAdmin };
  const security = [{ adminToken: [] }];

  return async function (instance: FastifyInstance) {
    const app = instance.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/v1/admin/stores',
      {
        ...admin,
        schema: {
          summary: 'Create a store (name, country, currency, time zone, optional program)',
          tags: ['admin'],
          security,
          body: CreateStoreRequestSchema,
          response: { 201: StoreResponseSchema.extend({ program: ProgramSchema }), ...errors },
        },
      },
      async (request, reply) => {
        const store = await createStore(db, request.body);
        request.log.info({ storeId: store.storeId }, 'store created');
        return reply.code(201).send(store);
      },
    );

    app.get(
      '/v1/admin/stores',
      {
        ...admin,
        schema: {
          summary: 'List stores',
          tags: ['admin'],
          security,
          response: { 200: z.object({ stores: z.array(StoreResponseSchema) }), ...errors },
        },
      },
      async () => ({ stores: await listStores(db) }),
    );

    app.put(
      '/v1/admin/stores/:storeId/program',
      {
        ...admin,
        schema: {
          summary: "Publish a new version of a store's program (tills get it by pull)",
          tags: ['admin'],
          security,
          params: StoreParamsSchema,
          body: ProgramSchema,
          response: { 200: StoreResponseSchema, 409: ApiErrorSchema, ...errors },
        },
      },
      async (request) => setProgram(db, request.params.storeId, request.body),
    );

    app.post(
      '/v1/admin/stores/:storeId/enrollment-codes',
      {
        ...admin,
        schema: {
          summary: 'Make a single-use enrolment code for a new till of this store (shown once)',
          tags: ['admin'],
          security,
          params: StoreParamsSchema,
          body: CreateEnrollmentCodeRequestSchema.nullish(),
          response: { 201: EnrollmentCodeResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const ttlHours = request.body?.ttlHours ?? 24;
        const code = await createEnrollmentCode(db, request.params.storeId, ttlHours);
        request.log.info({ storeId: code.storeId, expiresAt: code.expiresAt }, 'enrolment code created');
        return reply.code(201).send(code);
      },
    );

    app.get(
      '/v1/admin/devices',
      {
        ...admin,
        schema: {
          summary: 'List devices (optionally of one store): last seq, last seen, clock skew, revoked',
          tags: ['admin'],
          security,
          querystring: DevicesQuerySchema,
          response: { 200: z.object({ devices: z.array(DeviceResponseSchema) }), ...errors },
        },
      },
      async (request) => ({ devices: await listDevices(db, request.query.storeId) }),
    );

    app.post(
      '/v1/admin/devices/:deviceId/revoke',
      {
        ...admin,
        schema: {
          summary: 'Revoke a device: its token stops working at once (idempotent)',
          tags: ['admin'],
          security,
          params: DeviceParamsSchema,
          response: { 200: DeviceResponseSchema, ...errors },
        },
      },
      async (request) => {
        const device = await revokeDevice(db, request.params.deviceId);
        request.log.info({ deviceId: device.deviceId }, 'device revoked');
        return device;
      },
    );

    app.post(
      '/v1/admin/devices/:deviceId/events/:seq/void',
      {
        ...admin,
        schema: {
          summary:
            "Void the next seq of a device: an event the server cannot read (400), so the till's queue moves past it unapplied",
          tags: ['admin'],
          security,
          params: VoidEventParamsSchema,
          body: VoidEventRequestSchema,
          response: { 200: VoidEventResponseSchema, 409: SeqGapResponseSchema, ...errors },
        },
      },
      async (request) => {
        const { deviceId, seq } = request.params;
        const voided = await voidEvent(db, deviceId, seq, request.body.note);
        // The audit line: an event a till recorded will never be applied.
        request.log.warn(
          { audit: 'event.voided', deviceId, seq, note: request.body.note },
          'event voided by support',
        );
        return voided;
      },
    );

    app.get(
      '/v1/admin/flags',
      {
        ...admin,
        schema: {
          summary: 'Flags (overdrawn accounts, rule mismatches, till clock skew), newest first',
          tags: ['admin'],
          security,
          querystring: FlagsQuerySchema,
          response: { 200: FlagsResponseSchema, ...errors },
        },
      },
      async (request) => {
        const flags = await listFlags(db, request.query);
        const last = flags[flags.length - 1];
        return { flags, nextBefore: flags.length === request.query.limit && last ? last.id : null };
      },
    );

    app.post(
      '/v1/admin/customers/:phone/erase',
      {
        ...admin,
        schema: {
          summary: "Erase a customer's personal data (GDPR/CCPA); the anonymous amounts stay",
          tags: ['admin'],
          security,
          params: PhoneParamsSchema,
          response: { 200: EraseResponseSchema, ...errors },
        },
      },
      async (request) => {
        const result = await eraseCustomer(db, request.params.phone);
        request.log.info({ customerId: result.customerId }, 'customer personal data erased');
        return result;
      },
    );

    app.post(
      '/v1/admin/sync/reset-cursors',
      {
        ...admin,
        schema: {
          summary: 'After a restore from backup: make every till re-snapshot on its next pull',
          tags: ['admin'],
          security,
          response: { 200: z.object({ epoch: z.string() }), ...errors },
        },
      },
      async (request) => {
        const { rows } = await db.query<{ epoch: string }>(
          'UPDATE server_meta SET epoch = gen_random_uuid() RETURNING epoch',
        );
        request.log.warn('pull cursors reset: every till will re-snapshot');
        return { epoch: (rows[0] as { epoch: string }).epoch };
      },
    );

    app.post(
      '/v1/admin/expiry/run',
      {
        ...admin,
        schema: {
          summary: 'Run the points expiry job now (it also runs every EXPIRY_INTERVAL_SECONDS)',
          tags: ['admin'],
          security,
          response: { 200: ExpiryRunResponseSchema, ...errors },
        },
      },
      async () => {
        try {
          const run = await runExpiry(db, { now: context.now(), trigger: 'admin' });
          context.recordExpiryRun(run, 'admin');
          return run;
        } catch (error) {
          context.metrics.expiryRuns.inc({ trigger: 'admin', outcome: 'error' });
          throw error;
        }
      },
    );

    app.get(
      '/v1/reports/daily',
      {
        ...admin,
        schema: {
          summary: 'Daily report of a store (JSON, or CSV with "Accept: text/csv")',
          tags: ['reports'],
          security,
          querystring: ReportQuerySchema,
          response: { 200: DailyReportSchema, ...errors },
        },
      },
      async (request, reply) => {
        const report = await dailyReport(db, request.query.storeId, request.query.date);
        const accept = request.headers.accept ?? '';
        if (/\btext\/csv\b/i.test(accept)) {
          return reply
            .type('text/csv; charset=utf-8')
            .header(
              'content-disposition',
              `attachment; filename="daily-${request.query.storeId}-${request.query.date}.csv"`,
            )
            .send(dailyReportCsv(report) as never);
        }
        return report;
      },
    );
  };
}

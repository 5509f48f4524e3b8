import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../app';
import { loadMigrations, schemaVersion } from '../db/migrate';

/** Liveness, readiness, metrics and the OpenAPI document. None needs a token. */
export function opsRoutes(context: AppContext) {
  const latest = loadMigrations().at(-1)?.version ?? 0;
  return async function (instance: FastifyInstance) {
    const app = instance.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/healthz',
      {
        config: { rateLimit: false },
        schema: {
          summary: 'Liveness: the process is up',
          tags: ['ops'],
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        config: { rateLimit: false },
        schema: {
          summary: 'Readiness: the database answers and its schema is this server’s',
          tags: ['ops'],
          response: {
            200: z.object({ status: z.literal('ready'), database: z.string(), schemaVersion: z.number() }),
            503: z.object({ status: z.literal('not_ready'), reason: z.string() }),
          },
        },
      },
      async (_request, reply) => {
        try {
          const version = await schemaVersion(context.db);
          if (version !== latest) {
            return reply.code(503).send({
              status: 'not_ready' as const,
              reason: `Database schema is at version ${version}; this server needs ${latest}.`,
            });
          }
          return { status: 'ready' as const, database: context.db.kind, schemaVersion: version };
        } catch {
          return reply
            .code(503)
            .send({ status: 'not_ready' as const, reason: 'The database does not answer.' });
        }
      },
    );

    app.get(
      '/metrics',
      {
        config: { rateLimit: false },
        schema: { summary: 'Prometheus metrics (text format)', tags: ['ops'] },
      },
      async (_request, reply) => {
        const body = await context.metrics.registry.metrics();
        return reply.type(context.metrics.registry.contentType).send(body);
      },
    );

    app.get(
      '/openapi.json',
      {
        config: { rateLimit: false },
        schema: { summary: 'This API as an OpenAPI 3 document', tags: ['ops'] },
      },
      async (_request, reply) => reply.type('application/json').send(instance.swagger()),
    );
  };
}

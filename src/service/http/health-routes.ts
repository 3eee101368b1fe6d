import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { createRouter } from './create-router.ts';
import { databaseUnavailableExample, errorResponseDoc, headerRefs, internalErrorDoc } from './openapi-responses.ts';

const statusSchema = z.object({ status: z.literal('ok') }).openapi('Health');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getLiveness',
  tags: ['health'],
  summary: 'Liveness: the process answers',
  description: 'Touches nothing but the event loop, so it stays fast while registrations are shed.',
  responses: {
    200: { description: 'alive', headers: headerRefs('XRequestId'), content: { 'application/json': { schema: statusSchema, example: { status: 'ok' } } } },
    500: internalErrorDoc(),
  },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  tags: ['health'],
  summary: 'Readiness: the database answers',
  responses: {
    200: { description: 'ready', headers: headerRefs('XRequestId'), content: { 'application/json': { schema: statusSchema, example: { status: 'ok' } } } },
    500: internalErrorDoc(),
    503: errorResponseDoc('the database is unreachable (DATABASE_UNAVAILABLE)', [databaseUnavailableExample], ['RetryAfter']),
  },
});

export function healthRoutes(db: Db): OpenAPIHono<AppEnv> {
  return createRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      try {
        await sql`select 1`.execute(db);
      } catch (error) {
        throw new AppError('DATABASE_UNAVAILABLE', 'the database is unreachable', { cause: error });
      }
      return c.json({ status: 'ok' as const }, 200);
    });
}

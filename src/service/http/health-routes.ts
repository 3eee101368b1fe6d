import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { createRouter } from './create-router.ts';
import { errorResponseDoc } from './error-body.ts';

const statusSchema = z.object({ status: z.literal('ok') }).openapi('Health');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process answers',
  responses: { 200: { description: 'alive', content: { 'application/json': { schema: statusSchema } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: the database answers',
  responses: {
    200: { description: 'ready', content: { 'application/json': { schema: statusSchema } } },
    503: errorResponseDoc('the database is unreachable'),
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

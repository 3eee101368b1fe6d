import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Db } from '../db/database.ts';
import { registrationStats } from '../projection/registration-stats.ts';
import type { AppEnv } from './app-env.ts';
import { createRouter } from './create-router.ts';
import { databaseUnavailableExample, errorResponseDoc, headerRefs, internalErrorDoc } from './openapi-responses.ts';

const day = z.iso.date();

export const registrationStatsQuerySchema = z
  .object({
    from: day.optional().openapi({ description: 'First UTC day counted, inclusive (YYYY-MM-DD); omitted: from the first registration', example: '2026-01-01' }),
    to: day.optional().openapi({ description: 'Last UTC day counted, inclusive (YYYY-MM-DD); omitted: up to the newest', example: '2026-01-31' }),
    groupBy: z.enum(['day', 'domain']).default('day').openapi({ description: 'One row per UTC day, or per email domain over the range' }),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, {
    path: ['to'],
    message: 'must not be before from',
  });

const registrationStatsSchema = z
  .object({
    groupBy: z.enum(['day', 'domain']),
    from: day.nullable(),
    to: day.nullable(),
    total: z.number().int().nonnegative(),
    rows: z.array(
      z.object({ key: z.string().openapi({ description: 'the day (YYYY-MM-DD) or the email domain' }), registrations: z.number().int().positive() }),
    ),
    freshness: z
      .object({
        newestEventId: z
          .uuid()
          .nullable()
          .openapi({ description: 'the newest event applied (UserRegistered or UserEmailChanged, by commit time); null before the first' }),
        newestEventCommittedAt: z.iso
          .datetime({ offset: true })
          .nullable()
          .openapi({ description: "when that event's outbox row committed: every registration committed before it is counted, later ones may not be yet" }),
        appliedAt: z.iso.datetime({ offset: true }).nullable().openapi({ description: 'when the projection last applied a record' }),
        recordsApplied: z.number().int().nonnegative().openapi({ description: 'records of the topic applied so far, every partition together' }),
      })
      .openapi({ description: 'How fresh the answer is: the projection is fed by the events, a moment behind the writes' }),
  })
  .openapi('RegistrationStats');

const getRegistrationStats = createRoute({
  method: 'get',
  path: '/stats/registrations',
  operationId: 'getRegistrationStats',
  tags: ['stats'],
  summary: 'Registrations per day or per email domain, from the read model',
  description:
    'Served from the registrations projection (schema read_model), which the kafka-consumer feeds from the notif.user.registration topic; ' +
    'it never reads the users table. The freshness field says which committed registration it has reached.',
  request: { query: registrationStatsQuerySchema },
  responses: {
    200: {
      description: 'the counts and their freshness',
      headers: headerRefs('XRequestId'),
      content: {
        'application/json': {
          schema: registrationStatsSchema,
          example: {
            groupBy: 'day',
            from: '2026-01-14',
            to: '2026-01-15',
            total: 42,
            rows: [
              { key: '2026-01-14', registrations: 17 },
              { key: '2026-01-15', registrations: 25 },
            ],
            freshness: {
              newestEventId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
              newestEventCommittedAt: '2026-01-15T09:30:00.012Z',
              appliedAt: '2026-01-15T09:30:00.061Z',
              recordsApplied: 42,
            },
          },
        },
      },
    },
    400: errorResponseDoc('a day is not YYYY-MM-DD, to is before from, or groupBy is neither day nor domain (VALIDATION_FAILED)', [
      { code: 'VALIDATION_FAILED', message: 'the query string is invalid', fields: [{ path: 'to', message: 'must not be before from' }] },
    ]),
    500: internalErrorDoc(),
    503: errorResponseDoc('the database is unreachable (DATABASE_UNAVAILABLE)', [databaseUnavailableExample], ['RetryAfter']),
  },
});

export function statsRoutes({ db, projectionSchema }: { db: Db; projectionSchema: string }): OpenAPIHono<AppEnv> {
  return createRouter().openapi(getRegistrationStats, async (c) => {
    const query = c.req.valid('query');
    const stats = await registrationStats(db, projectionSchema, query);
    const { freshness } = stats;
    return c.json(
      {
        groupBy: query.groupBy,
        from: query.from ?? null,
        to: query.to ?? null,
        total: stats.total,
        rows: stats.rows,
        freshness: {
          newestEventId: freshness.newestEventId,
          newestEventCommittedAt: freshness.newestEventCommittedAt?.toISOString() ?? null,
          appliedAt: freshness.appliedAt?.toISOString() ?? null,
          recordsApplied: freshness.recordsApplied,
        },
      },
      200,
    );
  });
}

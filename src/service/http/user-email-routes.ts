import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Db } from '../db/database.ts';
import { changeUserEmail } from '../users/change-user-email.ts';
import type { AppEnv } from './app-env.ts';
import { createRouter } from './create-router.ts';
import { databaseUnavailableExample, errorResponseDoc, headerRefs, internalErrorDoc, jsonBodyErrorDocs } from './openapi-responses.ts';
import { changeEmailBodySchema, emailChangedSchema, userIdParamSchema } from './schemas.ts';

const exampleId = '0b8f5a8e-3c1e-4c52-9f0e-6f7d3b1f2a10';
// The same per-client bucket as registration: both write, and both answer whether an email is taken.
const limited = ['RateLimitPolicy', 'RateLimit'] as const;

const changeEmail = createRoute({
  method: 'put',
  path: '/users/{id}/email',
  operationId: 'changeUserEmail',
  tags: ['users'],
  summary: "Change a user's email",
  description:
    "Updates the email and writes a UserEmailChanged outbox event (the new email and the user's new version, never the old email) in one transaction. " +
    'The email is unique whatever its case, as at registration. Asking for the email the user already has changes nothing and writes no event. ' +
    'Requests count against the same per-client bucket as registrations. This demo has no authentication: a real service would allow it to the user only.',
  request: {
    params: userIdParamSchema,
    body: { required: true, content: { 'application/json': { schema: changeEmailBodySchema, example: { email: 'ada.lovelace@example.org' } } } },
  },
  responses: {
    200: {
      description: 'changed (or already this email)',
      headers: headerRefs('XRequestId', ...limited),
      content: { 'application/json': { schema: emailChangedSchema, example: { id: exampleId, email: 'ada.lovelace@example.org', version: 2 } } },
    },
    400: errorResponseDoc(
      'malformed JSON, an id that is not a UUID, or an invalid email (VALIDATION_FAILED, MALFORMED_JSON)',
      [
        { code: 'VALIDATION_FAILED', message: 'the request body is invalid', fields: [{ path: 'email', message: 'Invalid email address' }] },
        { code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' },
      ],
      [...limited],
    ),
    404: errorResponseDoc('no such user (NOT_FOUND)', [{ code: 'NOT_FOUND', message: `no user with id ${exampleId}` }], [...limited]),
    409: errorResponseDoc(
      'another user has this email (EMAIL_TAKEN)',
      [{ code: 'EMAIL_TAKEN', message: 'another user already has this email', fields: [{ path: 'email', message: 'already registered' }] }],
      [...limited],
    ),
    ...jsonBodyErrorDocs([...limited]),
    429: errorResponseDoc(
      "this client's requests are used up: retry after Retry-After seconds (RATE_LIMITED)",
      [{ code: 'RATE_LIMITED', message: 'too many requests from this client: retry in 2 s' }],
      ['RetryAfter', ...limited],
    ),
    500: internalErrorDoc([...limited]),
    503: errorResponseDoc('the database is unreachable (DATABASE_UNAVAILABLE); nothing was written', [databaseUnavailableExample], ['RetryAfter', ...limited]),
  },
});

export function userEmailRoutes({ db }: { db: Db }): OpenAPIHono<AppEnv> {
  return createRouter().openapi(changeEmail, async (c) => {
    const { id } = c.req.valid('param');
    const { email } = c.req.valid('json');
    const changed = await changeUserEmail({ db }, { userId: id, email, traceparent: c.req.header('traceparent') });
    c.get('logger').info({ userId: id, eventId: changed.eventId, version: changed.version }, changed.eventId === null ? 'email unchanged' : 'email changed');
    return c.json({ id: changed.id, email: changed.email, version: changed.version }, 200);
  });
}

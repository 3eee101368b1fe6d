import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { type RegisterUserDeps, registerUser } from '../users/register-user.ts';
import { findUserView } from '../users/user-repository.ts';
import type { AppEnv } from './app-env.ts';
import { createRouter } from './create-router.ts';
import { errorResponseDoc } from './error-body.ts';
import { registerUserBodySchema, userCreatedSchema, userDetailsSchema, userIdParamSchema } from './schemas.ts';

const register = createRoute({
  method: 'post',
  path: '/users',
  tags: ['users'],
  summary: 'Register a user',
  description:
    'Writes the user, a PENDING welcome notification and a UserRegistered outbox event in one transaction. ' +
    'The event reaches Kafka through Debezium; this endpoint never talks to Kafka.',
  request: { body: { required: true, content: { 'application/json': { schema: registerUserBodySchema } } } },
  responses: {
    201: { description: 'registered', content: { 'application/json': { schema: userCreatedSchema } } },
    400: errorResponseDoc('malformed JSON or invalid fields (VALIDATION_FAILED, MALFORMED_JSON)'),
    409: errorResponseDoc('the email is already registered (EMAIL_TAKEN)'),
    413: errorResponseDoc('the body is larger than BODY_LIMIT_BYTES (PAYLOAD_TOO_LARGE)'),
    415: errorResponseDoc('the body is not application/json (UNSUPPORTED_MEDIA_TYPE)'),
    503: errorResponseDoc('the database is unreachable (DATABASE_UNAVAILABLE)'),
  },
});

const getUser = createRoute({
  method: 'get',
  path: '/users/{id}',
  tags: ['users'],
  summary: 'A user and the state of its welcome notification',
  request: { params: userIdParamSchema },
  responses: {
    200: { description: 'found', content: { 'application/json': { schema: userDetailsSchema } } },
    400: errorResponseDoc('the id is not a UUID (VALIDATION_FAILED)'),
    404: errorResponseDoc('no such user (NOT_FOUND)'),
    503: errorResponseDoc('the database is unreachable (DATABASE_UNAVAILABLE)'),
  },
});

export function usersRoutes(deps: RegisterUserDeps & { db: Db }): OpenAPIHono<AppEnv> {
  return createRouter()
    .openapi(register, async (c) => {
      const { email, password } = c.req.valid('json');
      const user = await registerUser(deps, { email, password, traceparent: c.req.header('traceparent') });
      c.get('logger').info({ userId: user.id, eventId: user.eventId }, 'user registered');
      c.header('Location', `/api/v1/users/${user.id}`);
      return c.json({ id: user.id, email: user.email, createdAt: user.createdAt.toISOString() }, 201);
    })
    .openapi(getUser, async (c) => {
      const { id } = c.req.valid('param');
      const user = await findUserView(deps.db, id);
      if (user === undefined) throw new AppError('NOT_FOUND', `no user with id ${id}`);
      const notification = user.welcomeNotification;
      return c.json(
        {
          id: user.id,
          email: user.email,
          createdAt: user.createdAt.toISOString(),
          welcomeNotification:
            notification === null ? null : { id: notification.id, status: notification.status, sentAt: notification.sentAt?.toISOString() ?? null },
        },
        200,
      );
    });
}

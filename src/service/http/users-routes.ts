import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { type RegisterUserDeps, registerUser } from '../users/register-user.ts';
import { findUserView } from '../users/user-repository.ts';
import type { AppEnv } from './app-env.ts';
import { createRouter } from './create-router.ts';
import { databaseUnavailableExample, errorResponseDoc, headerRefs, internalErrorDoc, jsonBodyErrorDocs } from './openapi-responses.ts';
import { registerUserBodySchema, userCreatedSchema, userDetailsSchema, userIdParamSchema } from './schemas.ts';

const exampleUser = { id: '0b8f5a8e-3c1e-4c52-9f0e-6f7d3b1f2a10', email: 'ada@example.com', createdAt: '2026-01-15T09:30:00.000Z' };
// Every registration answer carries the rate limit headers (when the limit is on).
const limited = ['RateLimitPolicy', 'RateLimit'] as const;

const register = createRoute({
  method: 'post',
  path: '/users',
  operationId: 'registerUser',
  tags: ['users'],
  summary: 'Register a user',
  description:
    'Writes the user, a PENDING welcome notification and a UserRegistered outbox event in one transaction. ' +
    'The event reaches Kafka through Debezium; this endpoint never talks to Kafka. ' +
    'Each client (by address) has a token bucket of RATE_LIMIT_BURST registrations refilled at RATE_LIMIT_PER_MINUTE; ' +
    'password hashing runs through a bounded queue, and a registration arriving while the queue is full is refused with 503 at once, before its body is read.',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: registerUserBodySchema, example: { email: 'ada@example.com', password: 'correct horse battery staple' } } },
    },
  },
  responses: {
    201: {
      description: 'registered',
      headers: headerRefs('XRequestId', 'Location', ...limited),
      content: { 'application/json': { schema: userCreatedSchema, example: exampleUser } },
    },
    400: errorResponseDoc(
      'malformed JSON or invalid fields (VALIDATION_FAILED, MALFORMED_JSON)',
      [
        {
          code: 'VALIDATION_FAILED',
          message: 'the request body is invalid',
          fields: [{ path: 'password', message: 'Too small: expected string to have >=8 characters' }],
        },
        { code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' },
      ],
      [...limited],
    ),
    409: errorResponseDoc(
      'the email is already registered (EMAIL_TAKEN)',
      [{ code: 'EMAIL_TAKEN', message: 'a user with this email is already registered', fields: [{ path: 'email', message: 'already registered' }] }],
      [...limited],
    ),
    ...jsonBodyErrorDocs([...limited]),
    429: errorResponseDoc(
      "this client's registrations are used up: retry after Retry-After seconds (RATE_LIMITED)",
      [{ code: 'RATE_LIMITED', message: 'too many requests from this client: retry in 2 s' }],
      ['RetryAfter', ...limited],
    ),
    500: internalErrorDoc([...limited]),
    503: errorResponseDoc(
      'the server is shedding load (OVERLOADED, Retry-After 1): HASH_CONCURRENCY + HASH_QUEUE_MAX registrations are already in progress, so this one is refused as it arrives, before its body is read and before the rate limit is asked (no RateLimit headers then, no token spent); or the database is unreachable (DATABASE_UNAVAILABLE, Retry-After 5). Nothing was written either way',
      [{ code: 'OVERLOADED', message: 'the server is busy with 34 registrations; retry in a moment' }, databaseUnavailableExample],
      ['RetryAfter', ...limited],
    ),
  },
});

const getUser = createRoute({
  method: 'get',
  path: '/users/{id}',
  operationId: 'getUser',
  tags: ['users'],
  summary: 'A user and the state of its welcome notification',
  request: { params: userIdParamSchema },
  responses: {
    200: {
      description: 'found',
      headers: headerRefs('XRequestId'),
      content: {
        'application/json': {
          schema: userDetailsSchema,
          example: { ...exampleUser, welcomeNotification: { id: '5d0c7b7e-2f4a-4a36-9a47-3c1b8f0e6d21', status: 'SENT', sentAt: '2026-01-15T09:30:00.041Z' } },
        },
      },
    },
    400: errorResponseDoc('the id is not a UUID (VALIDATION_FAILED)', [
      { code: 'VALIDATION_FAILED', message: 'the path parameter is invalid', fields: [{ path: 'id', message: 'Invalid UUID' }] },
    ]),
    404: errorResponseDoc('no such user (NOT_FOUND)', [{ code: 'NOT_FOUND', message: 'no user with id 0b8f5a8e-3c1e-4c52-9f0e-6f7d3b1f2a10' }]),
    500: internalErrorDoc(),
    503: errorResponseDoc('the database is unreachable (DATABASE_UNAVAILABLE)', [databaseUnavailableExample], ['RetryAfter']),
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

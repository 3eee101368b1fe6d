import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDatabase, type Db } from '../../src/service/db/database.ts';
import { createTestApp, postJson } from '../support/app.ts';
import { countRows, openTestDatabase, uniqueEmail } from '../support/database.ts';

const password = 'correct horse battery staple';
let db: Db;
let app: ReturnType<typeof createTestApp>;

before(async () => {
  db = await openTestDatabase();
  app = createTestApp(db, { bodyLimitBytes: 1024 });
});
after(async () => {
  await db.destroy();
});

async function errorOf(response: Response) {
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string; fields?: Array<{ path: string; message: string }> }; requestId?: string };
  assert.equal(typeof body.error.message, 'string');
  assert.equal(body.requestId, response.headers.get('x-request-id'));
  return body.error;
}

describe('POST /api/v1/users', () => {
  test('201 with id, email and createdAt; Location points at the user', async () => {
    const email = uniqueEmail('http');
    const response = await postJson(app, '/api/v1/users', { email, password });
    assert.equal(response.status, 201);
    const body = (await response.json()) as { id: string; email: string; createdAt: string };
    assert.deepEqual(Object.keys(body).sort(), ['createdAt', 'email', 'id']);
    assert.equal(body.email, email);
    assert.equal(response.headers.get('location'), `/api/v1/users/${body.id}`);

    const details = await app.request(`/api/v1/users/${body.id}`);
    assert.equal(details.status, 200);
    const user = (await details.json()) as { welcomeNotification: { status: string; sentAt: string | null } };
    // The test stack's kafka-consumer may already have sent it (commit -> SENT is tens of ms): either
    // state is right, as long as the two fields agree.
    const { status, sentAt } = user.welcomeNotification;
    assert.ok(status === 'PENDING' || status === 'SENT', status);
    assert.equal(sentAt === null, status === 'PENDING', `${status} with sentAt ${sentAt}`);
  });

  test('keeps a valid incoming traceparent on the outbox event', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await postJson(app, '/api/v1/users', { email: uniqueEmail('trace'), password }, { traceparent });
    const { id } = (await response.json()) as { id: string };
    const event = await db.selectFrom('outbox_events').select('traceparent').where('aggregate_id', '=', id).executeTakeFirstOrThrow();
    assert.equal(event.traceparent, traceparent);
  });

  const badRequests: Array<{ name: string; status: number; code: string; fields?: string[]; send: () => Response | Promise<Response> }> = [
    { name: 'malformed JSON', status: 400, code: 'MALFORMED_JSON', send: () => postJson(app, '/api/v1/users', '{"email": "a@b.c",') },
    { name: 'an empty body', status: 400, code: 'MALFORMED_JSON', send: () => postJson(app, '/api/v1/users', '') },
    { name: 'a JSON array', status: 400, code: 'VALIDATION_FAILED', send: () => postJson(app, '/api/v1/users', []) },
    { name: 'missing email', status: 400, code: 'VALIDATION_FAILED', fields: ['email'], send: () => postJson(app, '/api/v1/users', { password }) },
    {
      name: 'invalid email',
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['email'],
      send: () => postJson(app, '/api/v1/users', { email: 'not-an-email', password }),
    },
    {
      name: 'password of 7 characters',
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['password'],
      send: () => postJson(app, '/api/v1/users', { email: uniqueEmail(), password: '1234567' }),
    },
    {
      name: 'password of 1025 characters',
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['password'],
      send: () => postJson(createTestApp(db), '/api/v1/users', { email: uniqueEmail(), password: 'x'.repeat(1025) }),
    },
    {
      name: 'password not a string',
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['password'],
      send: () => postJson(app, '/api/v1/users', { email: uniqueEmail(), password: 12345678 }),
    },
    {
      name: 'an unknown field',
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: ['(body)'],
      send: () => postJson(app, '/api/v1/users', { email: uniqueEmail(), password, role: 'admin' }),
    },
    {
      name: 'a body over the limit',
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      send: () => postJson(app, '/api/v1/users', { email: uniqueEmail(), password: 'x'.repeat(2000) }),
    },
    {
      name: 'a body over the limit without Content-Length',
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      send: () => {
        const chunk = new TextEncoder().encode('x'.repeat(600));
        const stream = new ReadableStream({
          start: (c) => {
            c.enqueue(chunk);
            c.enqueue(chunk);
            c.close();
          },
        });
        return app.request('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
      },
    },
    {
      name: 'a non-JSON content type',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      send: () =>
        app.request('/api/v1/users', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ email: uniqueEmail(), password }) }),
    },
    {
      name: 'a form body',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      send: () =>
        app.request('/api/v1/users', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `email=${uniqueEmail()}&password=${password}`,
        }),
    },
  ];

  for (const { name, status, code, fields, send } of badRequests) {
    test(`${status} ${code} for ${name}, and the database is unchanged`, async () => {
      const before = await countRows(db);
      const response = await send();
      assert.equal(response.status, status);
      const error = await errorOf(response);
      assert.equal(error.code, code);
      if (fields !== undefined)
        assert.deepEqual(
          error.fields?.map((f) => f.path),
          fields,
        );
      assert.deepEqual(await countRows(db), before);
    });
  }

  test('409 EMAIL_TAKEN for an email already registered, in any case, and nothing is written', async () => {
    const email = uniqueEmail('dup');
    assert.equal((await postJson(app, '/api/v1/users', { email, password })).status, 201);
    const before = await countRows(db);
    const response = await postJson(app, '/api/v1/users', { email: email.toUpperCase(), password });
    assert.equal(response.status, 409);
    const error = await errorOf(response);
    assert.equal(error.code, 'EMAIL_TAKEN');
    assert.deepEqual(
      error.fields?.map((f) => f.path),
      ['email'],
    );
    assert.deepEqual(await countRows(db), before);
  });

  test('50 simultaneous registrations of one email: exactly one 201 and 49 409s', async () => {
    const email = uniqueEmail('race');
    const before = await countRows(db);
    const responses = await Promise.all(Array.from({ length: 50 }, () => postJson(app, '/api/v1/users', { email, password })));
    const statuses = responses.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1);
    assert.equal(statuses.filter((s) => s === 409).length, 49);
    const after = await countRows(db);
    assert.deepEqual(after, { users: before.users + 1, notifications: before.notifications + 1, outbox_events: before.outbox_events + 1 });
  });
});

describe('GET /api/v1/users/{id}', () => {
  test('400 for a malformed id, 404 for an unknown one', async () => {
    const malformed = await app.request('/api/v1/users/42');
    assert.equal(malformed.status, 400);
    assert.deepEqual(
      (await errorOf(malformed)).fields?.map((f) => f.path),
      ['id'],
    );
    const unknown = await app.request(`/api/v1/users/${crypto.randomUUID()}`);
    assert.equal(unknown.status, 404);
    assert.equal((await errorOf(unknown)).code, 'NOT_FOUND');
  });
});

describe('service routes', () => {
  test('healthz, readyz, openapi.json and swagger answer; unknown routes are a JSON 404', async () => {
    assert.deepEqual(await (await app.request('/healthz')).json(), { status: 'ok' });
    assert.deepEqual(await (await app.request('/readyz')).json(), { status: 'ok' });
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/api/v1/stats/registrations',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/users/{id}/email',
      '/healthz',
      '/readyz',
    ]);
    const swagger = await app.request('/swagger');
    assert.equal(swagger.status, 200);
    assert.match(await swagger.text(), /swagger-ui/i);
    const missing = await app.request('/api/v2/whatever');
    assert.equal(missing.status, 404);
    assert.equal((await errorOf(missing)).code, 'NOT_FOUND');
  });
});

describe('when the database is not there', () => {
  test('503 DATABASE_UNAVAILABLE on register, read and readyz; liveness still answers', async () => {
    // A real connection attempt to a closed port, not a mock.
    const unreachable = createDatabase({ url: 'postgres://postgres@127.0.0.1:1/outbox', connectionTimeoutMs: 500 });
    const down = createTestApp(unreachable);
    try {
      const register = await postJson(down, '/api/v1/users', { email: uniqueEmail(), password });
      assert.equal(register.status, 503);
      assert.equal(register.headers.get('retry-after'), '5');
      assert.equal((await errorOf(register)).code, 'DATABASE_UNAVAILABLE');
      const read = await down.request(`/api/v1/users/${crypto.randomUUID()}`);
      assert.equal(read.status, 503);
      assert.equal((await down.request('/readyz')).status, 503);
      assert.equal((await down.request('/healthz')).status, 200);
    } finally {
      await unreachable.destroy();
    }
  });

  test('an unexpected database error is a 500 that names no SQL, table or stack', async () => {
    // The maintenance database exists but has none of our tables: the insert fails inside PostgreSQL.
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/outbox');
    url.pathname = '/postgres';
    const wrongSchema = createDatabase({ url: url.toString() });
    try {
      const response = await postJson(createTestApp(wrongSchema), '/api/v1/users', { email: uniqueEmail(), password });
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.deepEqual(JSON.parse(text).error.code, 'INTERNAL');
      assert.doesNotMatch(text, /users|relation|insert|select|postgres|\.ts|at /i);
    } finally {
      await wrongSchema.destroy();
    }
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Db } from '../../src/service/db/database.ts';
import { registrationOutcome } from '../../src/service/http/http-metrics.ts';
import { createMetricsRegistry } from '../../src/service/metrics/registry.ts';
import { createTestApp, postJson } from '../support/app.ts';
import { openTestDatabase, uniqueEmail } from '../support/database.ts';

let db: Db;
before(async () => {
  db = await openTestDatabase();
});
after(async () => {
  await db.destroy();
});

/** The value of one sample line of the Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('GET /metrics measures requests by route template, method and status, and registrations by outcome', async () => {
  const app = createTestApp(db, { metrics: createMetricsRegistry() });
  const email = uniqueEmail('metrics');
  const created = await postJson(app, '/api/v1/users', { email, password: 'correct horse battery staple' });
  assert.equal(created.status, 201);
  const { id } = (await created.json()) as { id: string };
  assert.equal((await postJson(app, '/api/v1/users', { email, password: 'correct horse battery staple' })).status, 409);
  assert.equal((await postJson(app, '/api/v1/users', { email: 'not an email', password: 'x' })).status, 400);
  assert.equal((await app.request(`/api/v1/users/${id}`)).status, 200);
  assert.equal((await app.request(`/api/v1/users/${randomUUID()}`)).status, 404);
  assert.equal((await app.request('/no/such/path/for/a/label')).status, 404);

  const response = await app.request('/metrics');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const count = (labels: string) => sample(text, `http_server_request_duration_seconds_count{${labels}}`);
  assert.equal(count('method="POST",route="/api/v1/users",status="201"'), 1);
  assert.equal(count('method="POST",route="/api/v1/users",status="409"'), 1);
  assert.equal(count('method="POST",route="/api/v1/users",status="400"'), 1);
  assert.equal(count('method="GET",route="/api/v1/users/:id",status="200"'), 1);
  assert.equal(count('method="GET",route="/api/v1/users/:id",status="404"'), 1, 'the template, never the id');
  assert.equal(count('method="GET",route="unmatched",status="404"'), 1, 'an unknown path is one label value, never the path');
  assert.doesNotMatch(text, new RegExp(id));
  assert.doesNotMatch(text, /no\/such\/path/);
  assert.equal(sample(text, 'outbox_registrations_total{outcome="registered"}'), 1);
  assert.equal(sample(text, 'outbox_registrations_total{outcome="email_taken"}'), 1);
  assert.equal(sample(text, 'outbox_registrations_total{outcome="rejected"}'), 1);
  assert.equal(sample(text, 'outbox_registrations_total{outcome="unavailable"}'), 0);
  assert.ok((sample(text, 'nodejs_eventloop_lag_seconds') ?? -1) >= 0, "Node's default metrics are there");
  assert.ok(sample(text, 'nodejs_heap_size_used_bytes') !== undefined);
});

test('an app without a registry serves no /metrics', async () => {
  assert.equal((await createTestApp(db).request('/metrics')).status, 404);
});

test('a registration outcome follows its status', () => {
  assert.deepEqual([201, 409, 429, 400, 413, 415, 503, 500].map(registrationOutcome), [
    'registered',
    'email_taken',
    'rate_limited',
    'rejected',
    'rejected',
    'rejected',
    'unavailable',
    'failed',
  ]);
});

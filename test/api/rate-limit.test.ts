import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/service/db/database.ts';
import { createLogger, type Logger } from '../../src/service/logger.ts';
import { createMetricsRegistry } from '../../src/service/metrics/registry.ts';
import { type BucketStore, memoryBucketStore } from '../../src/service/rate-limit/memory-bucket-store.ts';
import { createRateLimiter, type RateLimiter } from '../../src/service/rate-limit/rate-limiter.ts';
import { redisBucketStore } from '../../src/service/rate-limit/redis-bucket-store.ts';
import type { BucketPolicy } from '../../src/service/rate-limit/token-bucket.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { createTestApp } from '../support/app.ts';
import { countRows, openTestDatabase, uniqueEmail } from '../support/database.ts';
import { captureLogs } from '../support/log-capture.ts';
import { deleteKeys, redisRelay, silentServer, testRedisUrl, uniquePrefix, withRedis } from '../support/redis.ts';

const password = 'correct horse battery staple';
// 4 registrations at once, then one a minute: nothing refills during a test.
const policy: BucketPolicy = { capacity: 4, refillPerMinute: 1 };
let db: Db;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  db = await openTestDatabase();
});
after(async () => {
  for (const close of closers.reverse()) await close();
  await db.destroy();
});

function memoryLimiter(logger: Logger = createLogger('silent')): RateLimiter {
  return createRateLimiter(policy, memoryBucketStore(policy), { logger });
}

/** A limiter on Redis at `url`, connected (as the api-server waits at start) unless `connected` is false. */
async function redisLimiter(url: string, prefix: string, { logger = createLogger('silent'), timeoutMs = 250, connected = true } = {}): Promise<RateLimiter> {
  const store: BucketStore = redisBucketStore(policy, { url, prefix, timeoutMs, onConnectionError: () => {} });
  const limiter = createRateLimiter(policy, store, { logger });
  closers.push(() => limiter.close());
  assert.equal(await limiter.ready(connected ? 10_000 : 200), connected, connected ? `Redis at ${url} answers` : `nothing answers at ${url}`);
  return limiter;
}

/** A registration from `client` (its socket address), with a fresh email, so only the limit can refuse it. */
async function register(app: ReturnType<typeof createTestApp>, client: string, headers: Record<string, string> = {}): Promise<Response> {
  return app.request(
    '/api/v1/users',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ email: uniqueEmail('limit'), password }) },
    { incoming: { socket: { remoteAddress: client } } },
  );
}

async function burst(app: ReturnType<typeof createTestApp>, client: string, count: number, headers: Record<string, string> = {}): Promise<Response[]> {
  const responses: Response[] = [];
  for (let i = 0; i < count; i++) responses.push(await register(app, client, headers));
  return responses;
}

const statuses = (responses: Response[]) => responses.map((response) => response.status);

describe('rate limit on POST /api/v1/users, buckets in memory', () => {
  test('a burst from one client: the first RATE_LIMIT_BURST register, the rest get 429 with Retry-After, the IETF headers and the one error body; nothing is written for them', async () => {
    const app = createTestApp(db, { rateLimiter: memoryLimiter() });
    const allowed = await burst(app, '192.0.2.10', 4);
    assert.deepEqual(statuses(allowed), [201, 201, 201, 201]);
    assert.deepEqual(
      allowed.map((response) => response.headers.get('ratelimit')),
      ['"registrations";r=3;t=60', '"registrations";r=2;t=120', '"registrations";r=1;t=180', '"registrations";r=0;t=240'],
    );
    for (const response of allowed) assert.equal(response.headers.get('ratelimit-policy'), '"registrations";q=4;w=240');

    const before = await countRows(db);
    const refused = await register(app, '192.0.2.10');
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 55 && retryAfter <= 60, `Retry-After ${retryAfter}: the next token comes a minute after the first was spent`);
    assert.equal(refused.headers.get('ratelimit-policy'), '"registrations";q=4;w=240');
    assert.match(refused.headers.get('ratelimit') ?? '', /^"registrations";r=0;t=2\d\d$/);
    assert.match(refused.headers.get('content-type') ?? '', /application\/json/);
    const body = (await refused.json()) as { error: { code: string; message: string }; requestId: string };
    assert.equal(body.error.code, 'RATE_LIMITED');
    assert.match(body.error.message, /retry in \d+ s/);
    assert.equal(body.requestId, refused.headers.get('x-request-id'));
    assert.deepEqual(await countRows(db), before);
  });

  test('every attempt counts, an invalid one too, and reads are never limited', async () => {
    const app = createTestApp(db, { rateLimiter: memoryLimiter() });
    const invalid = await app.request(
      '/api/v1/users',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": "not-an-email"}' },
      { incoming: { socket: { remoteAddress: '192.0.2.11' } } },
    );
    assert.equal(invalid.status, 400);
    assert.equal(invalid.headers.get('ratelimit'), '"registrations";r=3;t=60');
    assert.deepEqual(statuses(await burst(app, '192.0.2.11', 4)), [201, 201, 201, 429]);
    const read = await app.request(`/api/v1/users/${crypto.randomUUID()}`, {}, { incoming: { socket: { remoteAddress: '192.0.2.11' } } });
    assert.equal(read.status, 404);
    assert.equal(read.headers.get('ratelimit'), null);
  });

  test('each client has its own bucket', async () => {
    const app = createTestApp(db, { rateLimiter: memoryLimiter() });
    assert.deepEqual(statuses(await burst(app, '192.0.2.20', 5)), [201, 201, 201, 201, 429]);
    assert.deepEqual(statuses(await burst(app, '192.0.2.21', 1)), [201]);
    // Another address of the same IPv6 /64 is the same client.
    assert.deepEqual(statuses(await burst(app, '2001:db8:1:2::a', 4)), [201, 201, 201, 201]);
    assert.deepEqual(statuses(await burst(app, '2001:db8:1:2::b', 1)), [429]);
  });

  test('X-Forwarded-For changes nothing unless TRUST_PROXY says a proxy writes it', async () => {
    const direct = createTestApp(db, { rateLimiter: memoryLimiter() });
    const spoofed = [];
    for (let i = 0; i < 5; i++) spoofed.push(await register(direct, '192.0.2.30', { 'x-forwarded-for': `203.0.113.${i}` }));
    assert.deepEqual(statuses(spoofed), [201, 201, 201, 201, 429]);

    const proxied = createTestApp(db, { rateLimiter: memoryLimiter(), trustedProxies: 1 });
    // Behind one proxy (same socket for everyone), the address it appended tells clients apart...
    assert.deepEqual(statuses(await burst(proxied, '10.0.0.1', 5, { 'x-forwarded-for': '203.0.113.40' })), [201, 201, 201, 201, 429]);
    assert.deepEqual(statuses(await burst(proxied, '10.0.0.1', 1, { 'x-forwarded-for': '203.0.113.41' })), [201]);
    // ...and what a client prepends itself does not buy it a fresh bucket.
    assert.deepEqual(statuses(await burst(proxied, '10.0.0.1', 1, { 'x-forwarded-for': '198.51.100.99, 203.0.113.40' })), [429]);
  });
});

describe('rate limit with buckets in Redis (the real one on this machine)', () => {
  test('two api-server instances (two connections) share one bucket per client', async () => {
    const prefix = uniquePrefix('shared');
    closers.push(() => deleteKeys(prefix));
    const first = createTestApp(db, { rateLimiter: await redisLimiter(testRedisUrl, prefix) });
    const second = createTestApp(db, { rateLimiter: await redisLimiter(testRedisUrl, prefix) });
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await register(i % 2 === 0 ? first : second, '192.0.2.50')).status);
    assert.deepEqual(answers, [201, 201, 201, 201, 429, 429]);
    const refused = await register(second, '192.0.2.50');
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'RATE_LIMITED');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
  });

  test('concurrent takes are atomic: 20 at once from one client get exactly RATE_LIMIT_BURST tokens', async () => {
    const prefix = uniquePrefix('atomic');
    closers.push(() => deleteKeys(prefix));
    const limiters = await Promise.all(Array.from({ length: 4 }, () => redisLimiter(testRedisUrl, prefix)));
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => limiters[i % 4]!.take('192.0.2.51')));
    assert.equal(decisions.filter((decision) => decision.allowed).length, 4);
  });

  test('the bucket key expires when the bucket would be full again, and not before', async () => {
    const prefix = uniquePrefix('ttl');
    closers.push(() => deleteKeys(prefix));
    const limiter = await redisLimiter(testRedisUrl, prefix);
    await limiter.take('192.0.2.52');
    await limiter.take('192.0.2.52');
    await withRedis(async (redis) => {
      const ttl = await redis.pttl(`${prefix}192.0.2.52`);
      // Two tokens spent at one a minute: full again in 120 s (minus the few ms since).
      assert.ok(ttl > 115_000 && ttl <= 120_000, `PTTL ${ttl}`);
      assert.deepEqual(Object.keys(await redis.hgetall(`${prefix}192.0.2.52`)).sort(), ['tokens', 'ts']);
    });
  });

  test('Redis unreachable: registrations go through (fail open) without a RateLimit header, with a warning and the counter', async () => {
    const logs = captureLogs();
    // A port nobody listens on: every connection is refused.
    const limiter = await redisLimiter('redis://127.0.0.1:1', uniquePrefix('down'), { logger: logs.logger, connected: false });
    const metrics = createMetricsRegistry({ defaultMetrics: false });
    const app = createTestApp(db, { rateLimiter: limiter, metrics });
    const answers = await burst(app, '192.0.2.60', 6);
    assert.deepEqual(statuses(answers), [201, 201, 201, 201, 201, 201]);
    assert.match(await (await app.request('/metrics')).text(), /^outbox_rate_limit_fail_open_total 6$/m, 'the outage is on /metrics');
    assert.equal(answers[0]!.headers.get('ratelimit'), null);
    assert.equal(answers[0]!.headers.get('ratelimit-policy'), '"registrations";q=4;w=240');
    assert.equal(limiter.failOpenTotal(), 6);
    const warnings = logs.lines().filter((line) => line.level === 40);
    assert.equal(warnings.length, 1, 'one warning for the outage, not one per request');
    assert.match(String(warnings[0]!.msg), /unreachable.*fail open/);
    assert.equal(warnings[0]!.rate_limit_fail_open_total, 1);
  });

  test('Redis hung (connected, never answers): a request waits REDIS_TIMEOUT_MS at most, then goes through', { timeout: 30_000 }, async () => {
    const prefix = uniquePrefix('hung');
    closers.push(() => deleteKeys(prefix));
    const relay = await redisRelay();
    closers.push(relay.close);
    const limiter = await redisLimiter(relay.url, prefix, { timeoutMs: 100 });
    const app = createTestApp(db, { rateLimiter: limiter });
    assert.equal((await register(app, '192.0.2.61')).headers.get('ratelimit'), '"registrations";r=3;t=60');
    relay.freeze(true);
    // Without the command timeout this request would wait for Redis forever.
    const response = await register(app, '192.0.2.61');
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('ratelimit'), null);
    assert.equal(limiter.failOpenTotal(), 1);
  });

  test('a silent server that never completes the connection: requests go through', async () => {
    const silent = await silentServer();
    closers.push(silent.close);
    const limiter = await redisLimiter(silent.url, uniquePrefix('silent'), { connected: false });
    assert.equal((await register(createTestApp(db, { rateLimiter: limiter }), '192.0.2.63')).status, 201);
    assert.equal(limiter.failOpenTotal(), 1);
  });

  test('Redis gone and back: limits stop while it is away and hold again, in the same bucket, once it answers', async () => {
    const prefix = uniquePrefix('outage');
    closers.push(() => deleteKeys(prefix));
    const relay = await redisRelay();
    closers.push(relay.close);
    const logs = captureLogs();
    const limiter = await redisLimiter(relay.url, prefix, { logger: logs.logger });
    const app = createTestApp(db, { rateLimiter: limiter });
    assert.deepEqual(statuses(await burst(app, '192.0.2.62', 3)), [201, 201, 201]);

    await relay.cut();
    assert.deepEqual(statuses(await burst(app, '192.0.2.62', 3)), [201, 201, 201], 'fail open while Redis is away');

    await relay.restore();
    // ioredis reconnects by itself (backoff up to 2 s); until then requests still go through.
    await waitFor(async () => (await register(app, '192.0.2.62')).headers.get('ratelimit') !== null, {
      what: 'the limiter enforcing again after Redis came back',
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    assert.equal((await register(app, '192.0.2.62')).status, 429, 'the bucket kept in Redis was still spent');
    assert.ok(logs.lines().some((line) => line.level === 30 && /answers again/.test(String(line.msg))));
  });
});

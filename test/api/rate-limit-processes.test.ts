import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type ApiServerChild, startApiServerChild } from '../../src/tooling/bench/api-server-child.ts';
import { uniqueEmail } from '../support/database.ts';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../support/redis.ts';

const prefix = uniquePrefix('two-processes');
const servers: ApiServerChild[] = [];

after(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await deleteKeys(prefix);
});

test('two api-server processes with one REDIS_URL share one limit per client', async () => {
  const env = {
    REDIS_URL: testRedisUrl,
    RATE_LIMIT_REDIS_PREFIX: prefix,
    RATE_LIMIT_BURST: '4',
    RATE_LIMIT_PER_MINUTE: '1',
    // Cheap hashing: the test is about the limit, not the KDF.
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
  };
  // allSettled: a server that did start is stopped by after() even when the other one failed to.
  const started = await Promise.allSettled([startApiServerChild(env), startApiServerChild(env)]);
  for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const response = await fetch(`${servers[i % 2]!.base}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('two-servers'), password: 'correct horse battery staple' }),
    });
    statuses.push(response.status);
    if (response.status === 429) assert.ok(Number(response.headers.get('retry-after')) > 0);
  }
  // Each process alone would allow 4 (8 in all): together they allow 4.
  assert.deepEqual(statuses, [201, 201, 201, 201, 429, 429, 429, 429, 429, 429]);
  for (const server of servers) assert.match(server.output(), /"rateLimit":"4 registrations per client, 1\/min, buckets in redis redis:\/\//);
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Db } from '../../src/service/db/database.ts';
import { createHashingQueue } from '../../src/service/users/password-hashing.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { createTestApp, postJson, testHashPassword } from '../support/app.ts';
import { countRows, openTestDatabase, uniqueEmail } from '../support/database.ts';

let db: Db;
before(async () => {
  db = await openTestDatabase();
});
after(async () => {
  await db.destroy();
});

test('a flood beyond the hashing queue: the excess gets 503 OVERLOADED with Retry-After at once, writes nothing, and /healthz still answers', async () => {
  // The real argon2id hash, held at the door until the test opens it: the queue's state is exactly known.
  let open: () => void = () => {};
  const door = new Promise<void>((resolve) => (open = resolve));
  let hashed = 0;
  const queue = createHashingQueue({ concurrency: 1, maxWaiting: 2 }, async (password) => {
    await door;
    hashed++;
    return testHashPassword(password);
  });
  const app = createTestApp(db, { hashPassword: queue.hash });
  const emails = Array.from({ length: 10 }, () => uniqueEmail('flood'));
  const before = await countRows(db);

  const settled: Array<{ email: string; response: Response }> = [];
  const pending = emails.map((email) =>
    postJson(app, '/api/v1/users', { email, password: 'correct horse battery staple' }).then((response) => {
      settled.push({ email, response });
      return { email, response };
    }),
  );
  // 1 hashing, 2 waiting; the other 7 are answered while no hash has even started: refused without waiting for anything.
  await waitFor(async () => settled.length === 7, { what: 'seven refusals', timeoutMs: 5_000, intervalMs: 5 });
  assert.deepEqual(queue.depth(), { running: 1, waiting: 2 });
  assert.equal(hashed, 0);
  for (const { response } of settled) {
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '1');
    const body = (await response.json()) as { error: { code: string }; requestId: string };
    assert.equal(body.error.code, 'OVERLOADED');
    assert.equal(body.requestId, response.headers.get('x-request-id'));
  }
  assert.deepEqual(await countRows(db), before, 'nothing written while the queue is full');
  assert.equal((await app.request('/healthz')).status, 200, 'liveness does not queue behind the hashes');

  open();
  const all = await Promise.all(pending);
  const accepted = all.filter(({ response }) => response.status === 201);
  assert.equal(accepted.length, 3);
  assert.deepEqual(await countRows(db), { users: before.users + 3, notifications: before.notifications + 3, outbox_events: before.outbox_events + 3 });
  const refusedEmails = all.filter(({ response }) => response.status === 503).map(({ email }) => email);
  const written = await db.selectFrom('users').select('email').where('email', 'in', refusedEmails).execute();
  assert.deepEqual(written, [], 'no refused registration left a row');
  assert.deepEqual(queue.depth(), { running: 0, waiting: 0 });
});

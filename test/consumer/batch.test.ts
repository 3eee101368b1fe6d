import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { deadLetterHeaders, eventHeaders } from '../../src/service/contract/headers.ts';
import type { Db } from '../../src/service/db/database.ts';
import { createKafka } from '../../src/service/kafka/client.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { openTestDatabase } from '../support/database.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  config,
  inboxCount,
  notificationStatuses,
  prepareConsumerEnv,
  readTopicUntil,
  startConsumerProcess,
  stopConsumerProcess,
} from './consumer-support.ts';

// One record of a batch makes the batch's transaction fail: the batch is split until that record is
// alone, so it alone is dead-lettered and every neighbour is sent. The poison is a trigger refusing
// one notification's UPDATE: a failure the database reports for the whole statement, naming no row.
let db: Db;
let testEnv: ConsumerTestEnv;
let consumer: ConsumerProcess | undefined;
const trigger = `test_poison_${Date.now().toString(36)}`;
const total = 100;

before(async () => {
  db = await openTestDatabase();
  testEnv = await prepareConsumerEnv('batch');
});

after(async () => {
  if (consumer !== undefined) await stopConsumerProcess(consumer);
  await sql.raw(`drop trigger if exists ${trigger} on notifications; drop function if exists ${trigger}()`).execute(db);
  await cleanupConsumerEnv(testEnv);
  await db.destroy();
});

interface Pending {
  userId: string;
  notificationId: string;
  eventId: string;
  email: string;
}

/** Users with a PENDING notification and no outbox event: no pipeline but this test's ever sees them. */
async function pendingNotifications(count: number): Promise<Pending[]> {
  const pending = Array.from({ length: count }, () => {
    const userId = randomUUID();
    return { userId, notificationId: randomUUID(), eventId: randomUUID(), email: `batch-${userId}@example.com` };
  });
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values(pending.map((p) => ({ id: p.userId, email: p.email, password_hash: 'not-a-real-hash' })))
      .execute();
    await trx
      .insertInto('notifications')
      .values(pending.map((p) => ({ id: p.notificationId, user_id: p.userId, type: 'USER_REGISTRATION' as const, message: `Welcome, ${p.email}!` })))
      .execute();
  });
  return pending;
}

/** The records the router would have produced, in one send, so they wait as one backlog. */
async function produceRecords(pending: readonly Pending[]): Promise<void> {
  const producer = createKafka(config).producer({ kafkaJS: { acks: -1 } });
  await producer.connect();
  try {
    await producer.send({
      topic: testEnv.notifTopic,
      messages: pending.map((p) => ({
        key: p.userId,
        value: JSON.stringify({ userId: p.userId, email: p.email, notificationId: p.notificationId, registeredAt: new Date().toISOString() }),
        headers: { [eventHeaders.eventId]: p.eventId },
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

test(`one poison record in a batch of ${total}: ${total - 1} SENT, the poison alone dead-lettered with its context`, async () => {
  const pending = await pendingNotifications(total);
  const poison = pending[Math.floor(total / 3)]!;
  await sql
    .raw(
      `create function ${trigger}() returns trigger language plpgsql as $$
       begin
         if new.id = '${poison.notificationId}' then raise exception 'poison notification %', new.id using errcode = 'P0001'; end if;
         return new;
       end $$;
       create trigger ${trigger} before update on notifications for each row execute function ${trigger}()`,
    )
    .execute(db);
  // The backlog is there before the notifier starts, so its first batches are as large as they get.
  await produceRecords(pending);
  consumer = startConsumerProcess(testEnv, { NOTIFIER_BATCH_MAX: String(total), RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '200' }, ['--only', 'notifier']);

  const others = pending.filter((p) => p !== poison);
  await waitFor(
    async () =>
      (await inboxCount(
        db,
        testEnv.inboxHandler,
        others.map((p) => p.eventId),
      )) === others.length,
    {
      what: `${others.length} events handled by the test's notifier`,
      timeoutMs: 60_000,
      intervalMs: 200,
    },
  );
  const dead = await readTopicUntil(testEnv.dlqTopic, 'the poison record', (records) => records.length > 0, 30_000);

  const statuses = await notificationStatuses(
    db,
    pending.map((p) => p.notificationId),
  );
  assert.equal(others.filter((p) => statuses.get(p.notificationId)?.status === 'SENT').length, total - 1, 'every neighbour SENT');
  assert.equal(statuses.get(poison.notificationId)?.status, 'PENDING', 'the poison rolled back, not SENT');
  assert.equal(await inboxCount(db, testEnv.inboxHandler, [poison.eventId]), 0, 'no inbox row for the poison');

  const splits = consumer.logs.filter((line) => line.msg === 'notification batch failed; splitting it to isolate the record at fault');
  assert.ok(splits.length > 0, 'the poison shared a batch with other records');
  process.stdout.write(`# batch: the poison's batch held ${Math.max(...splits.map((line) => Number(line.size)))} records, split ${splits.length} times\n`);

  assert.equal(dead.length, 1, `only the poison is dead-lettered, got ${dead.length}`);
  const letter = dead[0]!;
  assert.equal(letter.headers[eventHeaders.eventId], poison.eventId);
  assert.equal(letter.key, poison.userId);
  assert.equal(letter.headers[deadLetterHeaders.stage], 'notify');
  assert.equal(letter.headers[deadLetterHeaders.errorCode], 'DATABASE_ERROR');
  assert.equal(letter.headers[deadLetterHeaders.originalTopic], testEnv.notifTopic);
  assert.ok(Number(letter.headers[deadLetterHeaders.originalOffset]) >= 0);
  assert.equal(letter.headers[deadLetterHeaders.attempts], '1', 'a refused statement is not retried');
  assert.ok(letter.value?.includes(poison.notificationId), 'the original value, for a replay');
});

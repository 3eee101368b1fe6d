import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { Db } from '../../src/service/db/database.ts';
import { openTestDatabase } from '../support/database.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  config,
  handledAndSent,
  inboxCount,
  insertRegistration,
  prepareConsumerEnv,
  produceNotificationRecord,
  readWholeTopic,
  startConsumerProcess,
  stopConsumerProcess,
} from './consumer-support.ts';

// A slow database must not turn into dead letters: an attempt that outlives RECORD_ATTEMPT_TIMEOUT_MS
// is cancelled in PostgreSQL and rolled back before its retry starts, so it never keeps a pooled
// connection (or a row lock) while the retry, and every other record, waits for one.
let db: Db;
let testEnv: ConsumerTestEnv;
let consumer: ConsumerProcess | undefined;
let lock: pg.Client | undefined;
const poolMax = 2;

before(async () => {
  db = await openTestDatabase();
  testEnv = await prepareConsumerEnv('cancel');
});

after(async () => {
  await lock?.end().catch(() => {});
  if (consumer !== undefined) await stopConsumerProcess(consumer);
  await cleanupConsumerEnv(testEnv);
  await db.destroy();
});

test('a row lock outlasting the attempt timeout: attempts are cancelled, the pool stays free for other records, nothing is dead-lettered', async () => {
  consumer = startConsumerProcess(
    testEnv,
    {
      DATABASE_POOL_MAX: String(poolMax),
      RECORD_ATTEMPT_TIMEOUT_MS: '1000',
      KAFKA_SEND_TIMEOUT_MS: '900',
      RETRY_MAX_ATTEMPTS: '12',
      RETRY_BASE_DELAY_MS: '100',
      RETRY_MAX_DELAY_MS: '400',
    },
    ['--only', 'notifier'],
  );
  await consumer.waitForLog('kafka-consumer ready', (line) => line.msg === 'kafka-consumer ready');
  const applicationName = `kafka-consumer:${consumer.child.pid}`;

  const locked = await insertRegistration(db);
  const healthy = await insertRegistration(db);
  lock = new pg.Client({ connectionString: config.DATABASE_URL });
  await lock.connect();
  await lock.query('begin');
  await lock.query('select 1 from notifications where id = $1 for update', [locked.notificationId]);

  // Backends of the consumer: never more than its pool; never two attempts of one record waiting on the lock
  // (the test stack's own consumer may wait on the same row: it sees the same registration).
  const probe = new pg.Client({ connectionString: config.DATABASE_URL });
  await probe.connect();
  let peakConnections = 0;
  let peakWaiting = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await probe.query<{ connections: string; waiting: string }>(
        `select count(*) filter (where query not like '%pg_cancel_backend%') as connections,
                count(*) filter (where wait_event_type = 'Lock') as waiting
           from pg_stat_activity where application_name = $1`,
        [applicationName],
      );
      peakConnections = Math.max(peakConnections, Number(rows[0]!.connections));
      peakWaiting = Math.max(peakWaiting, Number(rows[0]!.waiting));
      // A sampling interval, not a wait for anything: each attempt waits a whole second on the lock.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();

  try {
    await produceNotificationRecord(testEnv, locked, 'cancel');
    // The locked record's attempts time out and are retried: the situation the test is about.
    await consumer.waitForLog(
      'a second timed-out attempt of the locked record',
      (line) => line.msg === 'retrying record' && line.code === 'TIMEOUT' && Number(line.attempt) >= 2,
      20_000,
    );
    // Meanwhile another record must get a connection and be delivered, while the lock is still held.
    await produceNotificationRecord(testEnv, healthy, 'cancel');
    await handledAndSent(db, testEnv, healthy, 15_000);
    assert.equal(await inboxCount(db, testEnv.inboxHandler, [locked.eventId]), 0, 'the locked record is still waiting');
  } catch (error) {
    sampling = false;
    await sampler;
    await probe.end();
    throw error;
  } finally {
    await lock.query('rollback');
    await lock.end();
    lock = undefined;
  }
  try {
    await handledAndSent(db, testEnv, locked, 20_000);
  } finally {
    sampling = false;
    await sampler;
    await probe.end();
  }

  assert.equal(await inboxCount(db, testEnv.inboxHandler, [locked.eventId, healthy.eventId]), 2, 'each handled exactly once');
  const deadLetters = (await readWholeTopic(testEnv.dlqTopic)).filter((r) => [locked.eventId, healthy.eventId].includes(r.headers['event-id'] ?? ''));
  assert.deepEqual(deadLetters, [], 'nothing dead-lettered that a later attempt could handle');
  assert.ok(peakConnections <= poolMax, `the consumer held ${peakConnections} connections, more than its pool of ${poolMax}`);
  assert.equal(peakWaiting, 1, 'one attempt at a time waited on the lock: a timed-out attempt did not keep waiting beside its retry');
  process.stdout.write(`# cancellation: peak ${peakConnections} connection(s) of ${poolMax}, peak ${peakWaiting} backend(s) waiting on the lock\n`);
});

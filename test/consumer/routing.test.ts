import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readEnvelope } from '../../src/service/contract/envelope-reader.ts';
import type { Db } from '../../src/service/db/database.ts';
import { createKafka } from '../../src/service/kafka/client.ts';
import type { TopicRecord } from '../../src/service/kafka/topic-reader.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { openTestDatabase } from '../support/database.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  config,
  handledAndSent,
  inboxCount,
  insertRawOutboxRow,
  insertRegistration,
  notificationStatuses,
  prepareConsumerEnv,
  readTopicUntil,
  readWholeTopic,
  startReadyConsumer,
  stopConsumerProcess,
} from './consumer-support.ts';

// Against the real stack: PostgreSQL -> Debezium -> Kafka -> `cli kafka-consumer` (a child process).
describe('kafka-consumer: routing, dead letters, duplicates, order', () => {
  let db: Db;
  let testEnv: ConsumerTestEnv;
  let consumer: ConsumerProcess;

  before(async () => {
    db = await openTestDatabase();
    testEnv = await prepareConsumerEnv('routing');
    consumer = await startReadyConsumer(testEnv);
  });

  after(async () => {
    if (consumer !== undefined) await stopConsumerProcess(consumer);
    if (testEnv !== undefined) await cleanupConsumerEnv(testEnv);
    await db?.destroy();
  });

  it('routes an outbox event and sends its notification within 5 s, exactly one record keyed by aggregate id', async () => {
    const started = Date.now();
    const registration = await insertRegistration(db);
    await handledAndSent(db, testEnv, registration, 5_000);
    const latencyMs = Date.now() - started;
    assert.ok((await notificationStatuses(db, [registration.notificationId])).get(registration.notificationId)?.sent_at instanceof Date);

    // A second, later event makes sure a duplicate of the first would already be on the topic.
    const marker = await insertRegistration(db);
    const records = await readTopicUntil(testEnv.notifTopic, 'the marker event', (read) => read.some((r) => r.headers['event-id'] === marker.eventId));
    const mine = records.filter((record) => record.headers['event-id'] === registration.eventId);
    assert.equal(mine.length, 1, 'exactly one routed record for the event');
    const [record] = mine as [TopicRecord];
    assert.equal(record.key, registration.userId);
    assert.equal(record.headers['event-type'], 'UserRegistered');
    assert.equal(record.headers['aggregate-type'], 'User');
    assert.ok(record.headers['occurred-at']);
    assert.deepEqual(JSON.parse(record.value!).notificationId, registration.notificationId);
    process.stdout.write(`# outbox insert -> notification SENT in ${latencyMs} ms\n`);
  });

  it('dead-letters an unknown event type and an invalid payload with context headers, and keeps routing what follows', async () => {
    const unknown = await insertRawOutboxRow(db, { eventType: 'UserDeleted', payload: { userId: randomUUID() } });
    const invalid = await insertRawOutboxRow(db, { eventType: 'UserRegistered', payload: { userId: 'not-a-uuid', email: 'nope' } });
    const valid = await insertRegistration(db);

    const dead = await readTopicUntil(testEnv.dlqTopic, 'both poison records', (read) =>
      [unknown.id, invalid.id].every((id) => read.some((r) => cdcEventId(r) === id)),
    );
    const expectations = [
      [unknown, 'UNKNOWN_EVENT_TYPE'],
      [invalid, 'INVALID_PAYLOAD'],
    ] as const;
    for (const [row, code] of expectations) {
      const record = dead.find((r) => cdcEventId(r) === row.id)!;
      // The original key is kept as Debezium wrote it (message.key.columns: the aggregate id).
      assert.deepEqual(JSON.parse(record.key!), { aggregate_id: row.aggregateId });
      assert.equal(record.headers['dlq-stage'], 'route');
      assert.equal(record.headers['dlq-error-code'], code);
      assert.ok((record.headers['dlq-error-message'] ?? '').length > 0);
      assert.equal(record.headers['dlq-original-topic'], config.CDC_TOPIC);
      assert.match(record.headers['dlq-original-partition'] ?? '', /^\d+$/);
      assert.match(record.headers['dlq-original-offset'] ?? '', /^\d+$/);
      assert.match(record.headers['dlq-original-timestamp'] ?? '', /^\d+$/);
      assert.equal(record.headers['dlq-attempts'], '1', 'a non-retryable error is not retried');
      assert.ok(!Number.isNaN(Date.parse(record.headers['dlq-failed-at'] ?? '')));
      // The original value is kept as it was: the Debezium envelope of the row.
      assert.equal((JSON.parse(record.value!) as { op: string }).op, 'c');
    }

    await handledAndSent(db, testEnv, valid);
    const routed = await readWholeTopic(testEnv.notifTopic);
    assert.ok(!routed.some((r) => r.key === unknown.aggregateId || r.key === invalid.aggregateId), 'poison is never routed');
  });

  it('ignores a redelivered notification record: the inbox makes the second one a no-op', async () => {
    const registration = await insertRegistration(db);
    await handledAndSent(db, testEnv, registration);
    const original = (await readWholeTopic(testEnv.notifTopic)).find((r) => r.headers['event-id'] === registration.eventId)!;

    // Produce the very same record again, as a redelivery would, then a marker behind it on the same key.
    const producer = createKafka(config).producer({ kafkaJS: { acks: -1 } });
    await producer.connect();
    try {
      await producer.send({ topic: testEnv.notifTopic, messages: [{ key: original.key, value: original.value, headers: original.headers }] });
    } finally {
      await producer.disconnect();
    }
    const marker = await insertRegistration(db, { userId: registration.userId });
    // Same key, so the same partition, behind the duplicate: once it is handled, so is the duplicate.
    await handledAndSent(db, testEnv, marker);

    const copies = (await readWholeTopic(testEnv.notifTopic)).filter((r) => r.headers['event-id'] === registration.eventId);
    assert.equal(copies.length, 2, 'the duplicate was delivered');
    assert.equal(await inboxCount(db, testEnv.inboxHandler, [registration.eventId]), 1);
    const sends = consumer.logs.filter(
      (line) => line.msg === 'notification sent' && (line.notification as { eventId?: string } | undefined)?.eventId === registration.eventId,
    );
    assert.equal(sends.length, 1, 'the sender was called once');
  });

  it('dead-letters a notification record whose notification does not exist, at the notify stage, without an inbox row', async () => {
    const eventId = randomUUID();
    const userId = randomUUID();
    const payload = { userId, email: 'ghost@example.com', notificationId: randomUUID(), registeredAt: new Date().toISOString() };
    const producer = createKafka(config).producer({ kafkaJS: { acks: -1 } });
    await producer.connect();
    try {
      await producer.send({
        topic: testEnv.notifTopic,
        messages: [
          {
            key: userId,
            value: JSON.stringify(payload),
            headers: { 'event-id': eventId, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    const dead = await readTopicUntil(testEnv.dlqTopic, 'the notification record', (read) => read.some((r) => r.headers['event-id'] === eventId));
    const record = dead.find((r) => r.headers['event-id'] === eventId)!;
    assert.equal(record.headers['dlq-stage'], 'notify');
    assert.equal(record.headers['dlq-error-code'], 'NOTIFICATION_NOT_FOUND');
    assert.equal(record.headers['dlq-attempts'], String(config.RETRY_MAX_ATTEMPTS), 'a missing row is looked for again before it is given up');
    assert.equal(record.headers['dlq-original-topic'], testEnv.notifTopic);
    assert.equal(record.headers.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'original headers are kept');
    assert.equal(record.key, userId);
    assert.deepEqual(JSON.parse(record.value!), payload);
    assert.equal(await inboxCount(db, testEnv.inboxHandler, [eventId]), 0, 'the inbox row rolled back with the failed transaction');
  });

  it('delivers a notification whose row becomes visible only after its record arrived', async () => {
    // The window between a commit reaching the WAL (and so Debezium) and becoming visible to new
    // snapshots, widened to a whole retry: the record is there before the row is.
    const eventId = randomUUID();
    const userId = randomUUID();
    const notificationId = randomUUID();
    const email = `late-${eventId}@example.com`;
    const payload = { userId, email, notificationId, registeredAt: new Date().toISOString() };
    const producer = createKafka(config).producer({ kafkaJS: { acks: -1 } });
    await producer.connect();
    try {
      await producer.send({ topic: testEnv.notifTopic, messages: [{ key: userId, value: JSON.stringify(payload), headers: { 'event-id': eventId } }] });
    } finally {
      await producer.disconnect();
    }
    // The row appears only once the handler has looked for it and scheduled a retry: the retry path is what delivers it.
    const retried = await consumer.waitForLog(
      'a NOTIFICATION_NOT_FOUND retry of the early record',
      (line) => line.msg === 'retrying record' && line.code === 'NOTIFICATION_NOT_FOUND' && JSON.stringify(line.err ?? '').includes(notificationId),
      15_000,
    );
    assert.equal(retried.attempt, 1);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('users').values({ id: userId, email, password_hash: 'x' }).execute();
      await trx.insertInto('notifications').values({ id: notificationId, user_id: userId, type: 'USER_REGISTRATION', message: 'welcome' }).execute();
    });
    await waitFor(async () => ((await notificationStatuses(db, [notificationId])).get(notificationId)?.status === 'SENT' ? true : undefined), {
      what: 'the late notification to be SENT',
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    assert.equal(await inboxCount(db, testEnv.inboxHandler, [eventId]), 1);
    const dead = await readWholeTopic(testEnv.dlqTopic);
    assert.equal(dead.filter((r) => r.headers['event-id'] === eventId).length, 0, 'nothing dead-lettered');
  });

  it('routes several events of one aggregate in commit order', async () => {
    const userId = randomUUID();
    const events: string[] = [];
    for (let i = 0; i < 8; i++) events.push((await insertRegistration(db, { userId })).eventId);
    const records = await readTopicUntil(testEnv.notifTopic, 'all events of the aggregate', (read) =>
      events.every((id) => read.some((r) => r.headers['event-id'] === id)),
    );
    const mine = records.filter((r) => r.key === userId);
    assert.equal(new Set(mine.map((r) => r.partition)).size, 1, 'one aggregate, one partition');
    const routedOrder = mine.sort((a, b) => a.offset - b.offset).map((r) => r.headers['event-id']);
    assert.deepEqual(routedOrder, events);
  });

  it('stops on SIGTERM with exit code 0 within 10 s, having committed what it did', async () => {
    const since = Date.now() - 1_000;
    const registration = await insertRegistration(db);
    await handledAndSent(db, testEnv, registration);
    const stopped = await stopConsumerProcess(consumer);
    assert.equal(stopped.signal, null, 'exited by itself, not killed');
    assert.equal(stopped.code, 0);
    assert.ok(stopped.ms < 10_000, `took ${stopped.ms} ms`);
    process.stdout.write(`# SIGTERM -> exit 0 in ${stopped.ms} ms\n`);

    // Both groups committed past the records of the event they handled before stopping. (Not
    // "to the end": other suites keep writing registrations that this router also routes.)
    const cdc = (
      await readTopicUntil(config.CDC_TOPIC, 'the CDC record of the event', (read) => read.some((r) => cdcEventId(r) === registration.eventId), 30_000, since)
    ).find((r) => cdcEventId(r) === registration.eventId)!;
    const routed = (await readWholeTopic(testEnv.notifTopic)).find((r) => r.headers['event-id'] === registration.eventId)!;
    await assertCommittedPast(testEnv.routerGroup, cdc);
    await assertCommittedPast(testEnv.notifierGroup, routed);
  });
});

function cdcEventId(record: TopicRecord): string | undefined {
  return readEnvelope(record.value)?.eventId;
}

async function assertCommittedPast(groupId: string, record: TopicRecord): Promise<void> {
  const admin = createKafka(config).admin();
  await admin.connect();
  try {
    const committed = (await admin.fetchOffsets({ groupId, topics: [record.topic] }))[0]?.partitions ?? [];
    const offset = Number(committed.find((p) => p.partition === record.partition)?.offset ?? -1);
    assert.ok(offset > record.offset, `${groupId} committed ${record.topic}[${record.partition}] at ${offset}, not past ${record.offset}`);
  } finally {
    await admin.disconnect();
  }
}

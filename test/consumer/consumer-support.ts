import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import kafka from '@confluentinc/kafka-javascript';
import { sql } from 'kysely';
import { type Config, loadConfig } from '../../src/service/config.ts';
import { createDatabase, type Db } from '../../src/service/db/database.ts';
import { type Admin, createKafka } from '../../src/service/kafka/client.ts';
import { openTopicReader, readUntil, type TopicRecord } from '../../src/service/kafka/topic-reader.ts';
import { ensureTopics, withAdmin as withKafkaAdmin } from '../../src/service/kafka/topics.ts';
import { writeOutboxEvent } from '../../src/service/outbox/write-outbox-event.ts';
import { cloneProjectionSchema, dropProjectionSchema } from '../../src/service/projection/projection-schema.ts';
import { waitFor } from '../../src/service/wait-for.ts';

export const config: Config = loadConfig();
const root = new URL('../../', import.meta.url);

/**
 * Topics and groups of their own for one test file: the router still reads the shared CDC topic,
 * but routes to a fresh topic, dead-letters to a fresh topic, and commits under fresh groups, so
 * a developer's running consumer or another suite never shares (or steals) its records.
 */
export interface ConsumerTestEnv {
  notifTopic: string;
  dlqTopic: string;
  routerGroup: string;
  notifierGroup: string;
  projectorGroup: string;
  /** The test's own projection schema, cloned from read_model: its counts are this test's events only. */
  projectionSchema: string;
  /** The test's own inbox name: its rows prove THIS consumer handled an event, not another one running on the machine. */
  inboxHandler: string;
  env: Record<string, string>;
}

export async function prepareConsumerEnv(label: string, { createDlq = true }: { createDlq?: boolean } = {}): Promise<ConsumerTestEnv> {
  const id = `${label}-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
  const testEnv: ConsumerTestEnv = {
    notifTopic: `test.notif.${id}`,
    dlqTopic: `test.dlq.${id}`,
    routerGroup: `test-router-${id}`,
    notifierGroup: `test-notifier-${id}`,
    projectorGroup: `test-projector-${id}`,
    projectionSchema: `test_${id.replace(/[^a-z0-9]/g, '_')}`.slice(0, 40),
    inboxHandler: `test-${id}`,
    env: {},
  };
  testEnv.env = {
    USER_REGISTRATION_TOPIC: testEnv.notifTopic,
    DLQ_TOPIC: testEnv.dlqTopic,
    ROUTER_GROUP_ID: testEnv.routerGroup,
    NOTIFIER_GROUP_ID: testEnv.notifierGroup,
    PROJECTOR_GROUP_ID: testEnv.projectorGroup,
    PROJECTION_SCHEMA: testEnv.projectionSchema,
    NOTIFIER_INBOX_HANDLER: testEnv.inboxHandler,
    CONSUMER_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'info',
    // The test stack's own kafka-consumer holds METRICS_PORT; a test's consumer serves no metrics unless it asks.
    METRICS_PORT: '0',
  };
  await withAdmin(async (admin) => {
    await createTopics(admin, createDlq ? [testEnv.notifTopic, testEnv.dlqTopic] : [testEnv.notifTopic]);
    await commitAtEnd(admin, testEnv.routerGroup, config.CDC_TOPIC);
  });
  await withProjectionDb((db) => cloneProjectionSchema(db, 'read_model', testEnv.projectionSchema));
  return testEnv;
}

export async function createTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  await ensureTopics(
    admin,
    topics.map((topic) => ({ topic, numPartitions: config.TOPIC_PARTITIONS })),
  );
}

export async function cleanupConsumerEnv(testEnv: ConsumerTestEnv): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.deleteGroups([testEnv.routerGroup, testEnv.notifierGroup, testEnv.projectorGroup]).catch(() => {});
    await admin.deleteTopics({ topics: [testEnv.notifTopic, testEnv.dlqTopic] }).catch(() => {});
  });
  await withProjectionDb((db) => dropProjectionSchema(db, testEnv.projectionSchema));
}

async function withProjectionDb<T>(use: (db: Db) => Promise<T>): Promise<T> {
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 1 });
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

export function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  return withKafkaAdmin(() => createKafka(config).admin(), config.KAFKA_BROKERS, use);
}

/**
 * Starts a fresh router group at the current end of the CDC topic, so it routes what the test
 * writes, not the history every earlier run left there. A commit without joining the group is
 * what a "simple consumer" does; the KafkaJS-style admin has no way to set offsets.
 */
async function commitAtEnd(admin: Admin, groupId: string, topic: string): Promise<void> {
  const ends = await admin.fetchTopicOffsets(topic);
  const consumer = new kafka.KafkaConsumer({ 'bootstrap.servers': config.KAFKA_BROKERS, 'group.id': groupId, 'enable.auto.commit': false }, {});
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 5_000 }, (error) => (error ? reject(error) : resolve())));
  try {
    consumer.commitSync(ends.map(({ partition, high }) => ({ topic, partition, offset: Number(high) })));
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  const count = committed[0]?.partitions.filter((p) => Number(p.offset) >= 0).length ?? 0;
  if (count !== ends.length) throw new Error(`could not seed ${groupId} at the end of ${topic}`);
}

/**
 * Resolves once this test's consumer applied the event (its inbox row) and the notification is
 * SENT. Another kafka-consumer on the machine may mark the same notification SENT too (the
 * table is shared); the inbox row under the test's own handler name is what only ours writes.
 */
export async function handledAndSent(db: Db, testEnv: ConsumerTestEnv, registration: Registration, timeoutMs = 10_000, intervalMs = 50): Promise<void> {
  await waitFor(
    async () => {
      if ((await inboxCount(db, testEnv.inboxHandler, [registration.eventId])) !== 1) return undefined;
      return (await notificationStatuses(db, [registration.notificationId])).get(registration.notificationId)?.status === 'SENT' ? true : undefined;
    },
    { what: `event ${registration.eventId} handled and its notification SENT`, timeoutMs: timeoutMs, intervalMs: intervalMs },
  );
}

/** A `node src/cli.ts kafka-consumer` child process with its JSON log lines collected. */
export interface ConsumerProcess {
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(what: string, match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function startConsumerProcess(testEnv: ConsumerTestEnv, extraEnv: Record<string, string> = {}, args: string[] = []): ConsumerProcess {
  const child = spawn(process.execPath, ['src/cli.ts', 'kafka-consumer', ...args], {
    cwd: root,
    env: { ...process.env, ...testEnv.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  const collect = (line: string) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ msg: line });
    }
    for (const wake of waiters) wake();
  };
  createInterface({ input: child.stdout! }).on('line', collect);
  createInterface({ input: child.stderr! }).on('line', (line) => collect(JSON.stringify({ stderr: line, msg: line })));
  // 'close', not 'exit': it waits for stdout and stderr to be drained, so every log line is in `logs`.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    logs,
    exited,
    waitForLog: (what, match, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        let done = false;
        const check = () => {
          const found = logs.find(match);
          if (found !== undefined && !done) {
            done = true;
            finish();
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}; last log lines:\n${logs
                .slice(-15)
                .map((l) => JSON.stringify(l))
                .join('\n')}`,
            ),
          );
        }, timeoutMs);
        const onExit = () => {
          if (done) return;
          finish();
          reject(
            new Error(
              `kafka-consumer exited while waiting for ${what}; last log lines:\n${logs
                .slice(-15)
                .map((l) => JSON.stringify(l))
                .join('\n')}`,
            ),
          );
        };
        const finish = () => {
          done = true;
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
        };
        waiters.add(check);
        child.on('exit', onExit);
        check();
      }),
  };
}

export async function startReadyConsumer(testEnv: ConsumerTestEnv, extraEnv: Record<string, string> = {}): Promise<ConsumerProcess> {
  const consumer = startConsumerProcess(testEnv, extraEnv);
  await consumer.waitForLog('kafka-consumer ready', (line) => line.msg === 'kafka-consumer ready');
  return consumer;
}

/** SIGTERM, then SIGKILL if it is still there after the grace period; resolves with how it ended. */
export async function stopConsumerProcess(
  consumer: ConsumerProcess,
  graceMs = 15_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = Date.now();
  if (consumer.child.exitCode !== null || consumer.child.signalCode !== null) return { ...(await consumer.exited), ms: 0 };
  consumer.child.kill('SIGTERM');
  const timer = setTimeout(() => consumer.child.kill('SIGKILL'), graceMs);
  const result = await consumer.exited;
  clearTimeout(timer);
  return { ...result, ms: Date.now() - started };
}

export interface Registration {
  userId: string;
  notificationId: string;
  eventId: string;
}

/** What the API does on POST /users, written directly: user, PENDING notification and event in one transaction. */
export async function insertRegistration(
  db: Db,
  { userId = randomUUID(), domain = 'example.com' }: { userId?: string; domain?: string } = {},
): Promise<Registration> {
  return db.transaction().execute(async (trx) => {
    const notificationId = randomUUID();
    const email = `consumer-${randomUUID()}@${domain}`;
    const exists = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (exists === undefined) await trx.insertInto('users').values({ id: userId, email, password_hash: 'not-a-real-hash' }).execute();
    await trx
      .insertInto('notifications')
      .values({ id: notificationId, user_id: userId, type: 'USER_REGISTRATION', message: `Welcome, ${email}!` })
      .execute();
    const eventId = await writeOutboxEvent(trx, {
      type: 'UserRegistered',
      aggregateId: userId,
      payload: { userId, email, notificationId, registeredAt: new Date().toISOString() },
    });
    return { userId, notificationId, eventId };
  });
}

/** An outbox row as any SQL client could write it, bypassing the typed writer: how poison gets in. */
export async function insertRawOutboxRow(
  db: Db,
  row: { eventType: string; aggregateType?: string; aggregateId?: string; payload: unknown },
): Promise<{ id: string; aggregateId: string }> {
  const id = randomUUID();
  const aggregateId = row.aggregateId ?? randomUUID();
  await sql`insert into outbox_events (id, aggregate_type, aggregate_id, event_type, payload)
            values (${id}, ${row.aggregateType ?? 'User'}, ${aggregateId}, ${row.eventType}, ${JSON.stringify(row.payload)}::jsonb)`.execute(db);
  return { id, aggregateId };
}

/**
 * A UserRegistered outbox row whose user and notification rows do not exist (yet): the notifier
 * dead-letters it as NOTIFICATION_NOT_FOUND until they are written (by the returned ids).
 */
export async function insertOrphanRegistration(
  db: Db,
  emailPrefix: string,
): Promise<{ event: { id: string }; userId: string; notificationId: string; email: string }> {
  const userId = randomUUID();
  const notificationId = randomUUID();
  const email = `${emailPrefix}-${randomUUID()}@example.com`;
  const event = await insertRawOutboxRow(db, {
    eventType: 'UserRegistered',
    aggregateId: userId,
    payload: { userId, email, notificationId, registeredAt: new Date().toISOString() },
  });
  return { event, userId, notificationId, email };
}

/** Reads a topic from its beginning (or a timestamp) until `done` holds, failing with `what` at the deadline. */
export async function readTopicUntil(
  topic: string,
  what: string,
  done: (records: TopicRecord[]) => boolean,
  timeoutMs = 30_000,
  sinceMs?: number,
): Promise<TopicRecord[]> {
  const reader = await openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: sinceMs === undefined ? 'beginning' : { timestamp: sinceMs } });
  try {
    const records = await readUntil(reader, done, timeoutMs);
    if (!done(records)) throw new Error(`timed out after ${timeoutMs} ms reading ${topic} for ${what}; read ${records.length} record(s)`);
    return records;
  } finally {
    await reader.close();
  }
}

/** Everything on a topic right now (its end is measured when called). */
export async function readWholeTopic(topic: string, timeoutMs = 30_000): Promise<TopicRecord[]> {
  const reader = await openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: 'beginning' });
  try {
    return await reader.readToEnd(timeoutMs);
  } finally {
    await reader.close();
  }
}

export async function notificationStatuses(db: Db, ids: readonly string[]): Promise<Map<string, { status: string; sent_at: Date | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'status', 'sent_at'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, { status: row.status, sent_at: row.sent_at }]));
}

/** Inbox rows of one handler for these events. */
export async function inboxCount(db: Db, handler: string, eventIds: readonly string[]): Promise<number> {
  if (eventIds.length === 0) return 0;
  const row = await db
    .selectFrom('inbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('handler', '=', handler)
    .where('event_id', 'in', [...eventIds])
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The record the router would have produced for a registration, written straight to the test's notification topic. */
export async function produceNotificationRecord(testEnv: ConsumerTestEnv, registration: Registration, label: string): Promise<void> {
  const producer = createKafka(config).producer({ kafkaJS: { acks: -1 } });
  await producer.connect();
  try {
    const payload = {
      userId: registration.userId,
      email: `${label}-${randomUUID()}@example.com`,
      notificationId: registration.notificationId,
      registeredAt: new Date().toISOString(),
    };
    await producer.send({
      topic: testEnv.notifTopic,
      messages: [{ key: registration.userId, value: JSON.stringify(payload), headers: { 'event-id': registration.eventId } }],
    });
  } finally {
    await producer.disconnect();
  }
}

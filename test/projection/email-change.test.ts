import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { eventHeaders, headerText } from '../../src/service/contract/headers.ts';
import type { Db } from '../../src/service/db/database.ts';
import { createKafka } from '../../src/service/kafka/client.ts';
import { sendMessages } from '../../src/service/kafka/send-messages.ts';
import type { TopicRecord } from '../../src/service/kafka/topic-reader.ts';
import { changeUserEmail } from '../../src/service/users/change-user-email.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  config,
  insertRawOutboxRow,
  insertRegistration,
  prepareConsumerEnv,
  readTopicUntil,
  readWholeTopic,
  startReadyConsumer,
  stopConsumerProcess,
} from '../consumer/consumer-support.ts';
import { createTestApp, postJson } from '../support/app.ts';
import { openTestDatabase } from '../support/database.ts';
import { directoryRows, domainCount, emailAt, recordsApplied, uniqueDomain } from './projection-support.ts';

/**
 * UserEmailChanged across the pipeline: the endpoint, the router (one topic and key with the
 * registrations), the projector. Each test runs a kafka-consumer of its own topics and projection.
 */
describe('email changes', () => {
  let db: Db;
  let testEnv: ConsumerTestEnv;
  const processes: ConsumerProcess[] = [];

  before(async () => {
    db = await openTestDatabase();
    testEnv = await prepareConsumerEnv('email');
  });

  after(async () => {
    for (const consumer of processes) await stopConsumerProcess(consumer);
    if (testEnv !== undefined) await cleanupConsumerEnv(testEnv);
    await db?.destroy();
  });

  const start = async () => {
    const consumer = await startReadyConsumer(testEnv);
    processes.push(consumer);
    return consumer;
  };
  const put = (app: ReturnType<typeof createTestApp>, id: string, body: unknown) =>
    app.request(`/api/v1/users/${id}/email`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const userState = (id: string) => db.selectFrom('users').select(['email', 'version']).where('id', '=', id).executeTakeFirst();
  const eventsOf = async (id: string) =>
    (await db.selectFrom('outbox_events').select('event_type').where('aggregate_id', '=', id).orderBy('created_at').execute()).map((row) => row.event_type);

  it('registered, then changed twice over HTTP: the directory shows the latest email, the counts the registration domain', async () => {
    const consumer = await start();
    const domain = uniqueDomain('change');
    const app = createTestApp(db);
    const registered = await postJson(app, '/api/v1/users', { email: emailAt(domain, 'first'), password: 'correct horse battery staple' });
    assert.equal(registered.status, 201);
    const { id } = (await registered.json()) as { id: string };
    const second = emailAt(uniqueDomain('moved'), 'second');
    const third = emailAt(uniqueDomain('moved'), 'third');
    for (const [email, version] of [
      [second, 2],
      [third, 3],
    ] as const) {
      const response = await put(app, id, { email });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { id, email, version });
    }
    assert.deepEqual(await eventsOf(id), ['UserRegistered', 'UserEmailChanged', 'UserEmailChanged']);

    const schema = testEnv.projectionSchema;
    await waitFor(async () => (await directoryRows(db, schema, [id])).get(id)?.version === 3 || undefined, {
      what: 'the second email change projected',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    assert.deepEqual((await directoryRows(db, schema, [id])).get(id), { email: third, version: 3 });
    assert.equal(await domainCount(db, schema, domain), 1, 'the registration stays counted under the domain it was made with');

    // The changes went where the registration went, under its key, after it.
    const routed = (await readWholeTopic(testEnv.notifTopic)).filter((record) => record.key === id);
    assert.deepEqual(
      routed.map((record) => record.headers[eventHeaders.eventType]),
      ['UserRegistered', 'UserEmailChanged', 'UserEmailChanged'],
    );
    assert.equal(new Set(routed.map((record) => record.partition)).size, 1);
    await stopConsumerProcess(consumer);
  });

  it('answers 400, 404 and 409 without changing the user or writing an event; the email already held changes nothing', async () => {
    const app = createTestApp(db);
    const domain = uniqueDomain('errors');
    const mine = await insertRegistration(db, { domain });
    const other = await insertRegistration(db, { domain });
    const before = await userState(mine.userId);
    const otherEmail = (await userState(other.userId))!.email;
    const cases: Array<[string, number, string, unknown]> = [
      [mine.userId, 400, 'VALIDATION_FAILED', { email: 'not-an-email' }],
      [mine.userId, 400, 'VALIDATION_FAILED', { email: emailAt(domain, 'x'), oldEmail: before!.email }],
      ['not-a-uuid', 400, 'VALIDATION_FAILED', { email: emailAt(domain, 'x') }],
      [mine.userId, 400, 'MALFORMED_JSON', '{"email":'],
      [randomUUID(), 404, 'NOT_FOUND', { email: emailAt(domain, 'x') }],
      // Taken whatever its case, as at registration.
      [mine.userId, 409, 'EMAIL_TAKEN', { email: otherEmail.toUpperCase() }],
    ];
    for (const [id, status, code, body] of cases) {
      const response = await put(app, id, body);
      assert.equal(response.status, status, `${JSON.stringify(body)} -> ${status}`);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, code);
    }
    const same = await put(app, mine.userId, { email: before!.email });
    assert.equal(same.status, 200);
    assert.deepEqual(await same.json(), { id: mine.userId, email: before!.email, version: 1 });

    assert.deepEqual(await userState(mine.userId), before);
    assert.deepEqual(await eventsOf(mine.userId), ['UserRegistered']);
    assert.deepEqual(await eventsOf(other.userId), ['UserRegistered']);
  });

  it('applies each change after its registration, once, newest last, across a SIGKILL of the kafka-consumer and old changes republished', async () => {
    const schema = testEnv.projectionSchema;
    const domain = uniqueDomain('order');
    await logDirectoryWrites(db, schema);
    const changesPerUser = 3;
    const latest = new Map<string, string>();
    const writeUsers = async (count: number) => {
      const write = async () => {
        const { userId } = await insertRegistration(db, { domain });
        // Each change right after the registration: the two often share a projection batch.
        for (let change = 0; change < changesPerUser; change++) {
          const email = emailAt(domain, `v${change + 2}`);
          await changeUserEmail({ db }, { userId, email });
          latest.set(userId, email);
        }
      };
      for (let i = 0; i < count; i += 5) await Promise.all(Array.from({ length: Math.min(5, count - i) }, write));
    };

    let consumer = await start();
    await writeUsers(20);
    await waitFor(async () => (await recordsApplied(db, schema, testEnv.notifTopic)) > 0 || undefined, {
      what: 'the projector under way',
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    // Killed while users are being written; the rest are written while it is down.
    const more = writeUsers(40);
    await waitFor(async () => latest.size >= 30 || undefined, { what: '10 more users written', timeoutMs: 60_000, intervalMs: 20 });
    consumer.child.kill('SIGKILL');
    await consumer.exited;
    await more;
    consumer = await start();

    const users = [...latest.keys()];
    const allLatest = async () => {
      const rows = await directoryRows(db, schema, users);
      return users.every((id) => rows.get(id)?.email === latest.get(id)) || undefined;
    };
    await waitFor(allLatest, { what: `the last email of ${users.length} users projected`, timeoutMs: 90_000, intervalMs: 200 });

    // What Debezium or the router does after a crash: an old change published again, after the newer ones.
    const routed = await readWholeTopic(testEnv.notifTopic);
    const firstChanges = users
      .slice(0, 5)
      .map((id) => routed.find((record) => record.key === id && record.headers[eventHeaders.eventType] === 'UserEmailChanged')!);
    const producer = createKafka(config).producer();
    await producer.connect();
    try {
      for (const record of firstChanges) {
        await sendMessages(producer, testEnv.notifTopic, [{ key: Buffer.from(record.key!), value: Buffer.from(record.value!), headers: record.headers }]);
      }
    } finally {
      await producer.disconnect();
    }
    const total = (await readWholeTopic(testEnv.notifTopic)).length;
    await waitFor(async () => (await recordsApplied(db, schema, testEnv.notifTopic)) >= total || undefined, {
      what: `all ${total} records applied`,
      timeoutMs: 60_000,
      intervalMs: 100,
    });

    const rows = await directoryRows(db, schema, users);
    for (const id of users) assert.deepEqual(rows.get(id), { email: latest.get(id), version: changesPerUser + 1 }, `user ${id} shows its last email`);
    assert.equal(await domainCount(db, schema, domain), users.length, 'each registration counted once, by its own email');

    const writes = await directoryWrites(db, schema, users);
    const registeredEmails = await registrationEmails(db, users);
    for (const id of users) {
      const mine = writes.filter((write) => write.user_id === id);
      const inserts = mine.filter((write) => write.op === 'INSERT');
      assert.deepEqual(
        inserts.map((write) => [write.email, write.new_version]),
        [[registeredEmails.get(id), 1]],
        `user ${id}: the row was made once, by its registration, never by a change`,
      );
      const versions = mine.filter((write) => write.op === 'UPDATE').map((write) => write.new_version);
      assert.ok(
        mine.filter((write) => write.op === 'UPDATE').every((write) => write.new_version > write.old_version!),
        `user ${id}: every change shown replaced an older version (${JSON.stringify(mine)})`,
      );
      assert.deepEqual(
        versions,
        [...versions].sort((a, b) => a - b),
        `user ${id}: changes shown in version order, none twice`,
      );
    }
    const dead = (await readWholeTopic(testEnv.dlqTopic)).filter((record) => users.some((id) => record.value?.includes(id)));
    assert.deepEqual(dead, [], 'nothing of these users dead-lettered: the notifier passes over the changes');
  });

  it('dead-letters a poison UserEmailChanged, at the router or at the projector, with its context, while the stream flows on', async () => {
    const schema = testEnv.projectionSchema;
    await start();
    const domain = uniqueDomain('poison');
    const { userId } = await insertRegistration(db, { domain });
    // Written by hand, past the typed writer: no version.
    const poison = await insertRawOutboxRow(db, {
      eventType: 'UserEmailChanged',
      aggregateId: userId,
      payload: { userId, email: emailAt(domain, 'poison'), changedAt: new Date().toISOString() },
    });
    // A bad record on the routed topic itself (a producer that bypassed the router): the projector's own check.
    const badId = randomUUID();
    const producer = createKafka(config).producer();
    await producer.connect();
    try {
      await sendMessages(producer, testEnv.notifTopic, [
        {
          key: Buffer.from(userId),
          value: Buffer.from(JSON.stringify({ userId, email: 'nope', version: 9, changedAt: 'yesterday' })),
          headers: { [eventHeaders.eventId]: badId, [eventHeaders.eventType]: 'UserEmailChanged' },
        },
      ]);
    } finally {
      await producer.disconnect();
    }
    const good = emailAt(domain, 'good');
    await changeUserEmail({ db }, { userId, email: good });
    await waitFor(async () => (await directoryRows(db, schema, [userId])).get(userId)?.email === good || undefined, {
      what: 'the change after the poison projected',
      timeoutMs: 60_000,
      intervalMs: 100,
    });

    // The router also reads what other suites write to the CDC topic meanwhile: only this user's dead letters count.
    const mine = (records: TopicRecord[]) => records.filter((record) => record.value?.includes(userId) || record.headers[eventHeaders.eventId] === badId);
    const dead = mine(await readTopicUntil(testEnv.dlqTopic, 'both dead letters', (records) => mine(records).length >= 2));
    const byStage = new Map(dead.map((record) => [headerText(record.headers, 'dlq-stage'), record]));
    const routed = byStage.get('route');
    assert.ok(routed !== undefined, 'the router dead-lettered the outbox row');
    assert.equal(headerText(routed.headers, 'dlq-error-code'), 'INVALID_PAYLOAD');
    assert.match(headerText(routed.headers, 'dlq-error-message') ?? '', /UserEmailChanged payload does not match its schema: version/);
    assert.equal(headerText(routed.headers, 'dlq-original-topic'), config.CDC_TOPIC);
    assert.ok(routed.value?.includes(poison.id), 'the dead letter is the original CDC record');
    const projected = byStage.get('project');
    assert.ok(projected !== undefined, 'the projector dead-lettered the bad routed record');
    assert.equal(headerText(projected.headers, eventHeaders.eventId), badId);
    assert.equal(headerText(projected.headers, 'dlq-error-code'), 'INVALID_PAYLOAD');
    assert.equal(headerText(projected.headers, 'dlq-original-topic'), testEnv.notifTopic);
    assert.equal(dead.length, 2, 'the notifier dead-lettered neither: it does not act on email changes');
  });
});

/** A log of every insert and update of the test's directory, written by the database itself. */
async function logDirectoryWrites(db: Db, schema: string): Promise<void> {
  const log = sql.id(schema, 'directory_writes');
  await sql`create table if not exists ${log} (seq bigserial primary key, op text, user_id uuid, email text, old_version integer, new_version integer)`.execute(
    db,
  );
  await sql`
    create or replace function ${sql.id(schema, 'log_directory_write')}() returns trigger language plpgsql as $$
    begin
      insert into ${sql.raw(`"${schema}".directory_writes`)} (op, user_id, email, old_version, new_version)
      values (tg_op, new.user_id, new.email, case when tg_op = 'UPDATE' then old.version end, new.version);
      return new;
    end $$`.execute(db);
  await sql`create or replace trigger log_directory_write after insert or update on ${sql.id(schema, 'registered_users')}
            for each row execute function ${sql.id(schema, 'log_directory_write')}()`.execute(db);
}

interface DirectoryWrite {
  op: 'INSERT' | 'UPDATE';
  user_id: string;
  email: string;
  old_version: number | null;
  new_version: number;
}

async function directoryWrites(db: Db, schema: string, users: readonly string[]): Promise<DirectoryWrite[]> {
  const { rows } = await sql<DirectoryWrite>`
    select op, user_id, email, old_version, new_version from ${sql.id(schema, 'directory_writes')}
     where user_id = any(${users}::uuid[]) order by seq`.execute(db);
  return rows;
}

async function registrationEmails(db: Db, users: readonly string[]): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('outbox_events')
    .select(['aggregate_id', 'payload'])
    .where('event_type', '=', 'UserRegistered')
    .where('aggregate_id', 'in', [...users])
    .execute();
  return new Map(rows.map((row) => [row.aggregate_id, (row.payload as { email: string }).email]));
}

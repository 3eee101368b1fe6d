import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/service/db/database.ts';
import { createKafka } from '../../src/service/kafka/client.ts';
import { sendMessages } from '../../src/service/kafka/send-messages.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  config,
  insertRegistration,
  prepareConsumerEnv,
  readWholeTopic,
  startReadyConsumer,
  stopConsumerProcess,
  withAdmin,
} from '../consumer/consumer-support.ts';
import { createTestApp } from '../support/app.ts';
import { openTestDatabase } from '../support/database.ts';
import { directoryCount, domainCount, recordsApplied, uniqueDomain } from './projection-support.ts';

describe('registrations projection', () => {
  let db: Db;
  let testEnv: ConsumerTestEnv;
  const processes: ConsumerProcess[] = [];

  before(async () => {
    db = await openTestDatabase();
    testEnv = await prepareConsumerEnv('projection');
  });

  after(async () => {
    for (const consumer of processes) await stopConsumerProcess(consumer);
    if (testEnv !== undefined) await cleanupConsumerEnv(testEnv);
    await db?.destroy();
  });

  it("registrations reach GET /api/v1/stats/registrations through the stack's pipeline, with the freshness of the answer", async () => {
    const domain = uniqueDomain('stats');
    const written = [];
    for (let i = 0; i < 5; i++) written.push(await insertRegistration(db, { domain }));
    const app = createTestApp(db);
    const today = new Date().toISOString().slice(0, 10);
    const body = await waitFor(
      async () => {
        const response = await app.request(`/api/v1/stats/registrations?groupBy=domain&from=${today}&to=${today}`);
        assert.equal(response.status, 200);
        const stats = (await response.json()) as { rows: Array<{ key: string; registrations: number }>; freshness: Record<string, unknown> };
        return stats.rows.find((row) => row.key === domain)?.registrations === 5 ? stats : undefined;
      },
      { what: `5 registrations of ${domain} in the stats`, timeoutMs: 30_000, intervalMs: 100 },
    );
    assert.ok(typeof body.freshness.newestEventId === 'string');
    assert.ok(Date.parse(String(body.freshness.newestEventCommittedAt)) >= Date.now() - 120_000);
    const byDay = (await (await app.request(`/api/v1/stats/registrations?from=${today}&to=${today}`)).json()) as { rows: Array<{ key: string }> };
    assert.deepEqual(
      byDay.rows.map((row) => row.key),
      [today],
    );
  });

  it('answers 400 naming the parameter on a bad range or grouping', async () => {
    const app = createTestApp(db);
    const reversed = await app.request('/api/v1/stats/registrations?from=2026-02-01&to=2026-01-01');
    assert.equal(reversed.status, 400);
    const error = (await reversed.json()) as { error: { code: string; fields: Array<{ path: string }> } };
    assert.equal(error.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      error.error.fields.map((field) => field.path),
      ['to'],
    );
    const grouping = await app.request('/api/v1/stats/registrations?groupBy=week');
    assert.equal(grouping.status, 400);
    assert.equal(((await grouping.json()) as { error: { fields: Array<{ path: string }> } }).error.fields[0]?.path, 'groupBy');
  });

  it('counts every registration once across a SIGKILL, a group Kafka forgot, and an event published twice upstream', async () => {
    const domain = uniqueDomain('restart');
    const schema = testEnv.projectionSchema;
    const first = await startReadyConsumer(testEnv);
    processes.push(first);
    for (let i = 0; i < 30; i++) await insertRegistration(db, { domain });
    await waitFor(async () => (await domainCount(db, schema, domain)) === 30, { what: '30 registrations projected', timeoutMs: 60_000, intervalMs: 100 });

    // Killed, and the group's offsets in Kafka deleted: only the positions stored with the
    // projection can say where it stopped.
    first.child.kill('SIGKILL');
    await first.exited;
    await withAdmin(async (admin) => {
      await waitFor(async () => (await admin.deleteGroups([testEnv.projectorGroup]).then(() => true)) || undefined, {
        what: `group ${testEnv.projectorGroup} deleted (its dead member's session expires first)`,
        timeoutMs: 30_000,
        intervalMs: 500,
      });
    });
    for (let i = 0; i < 20; i++) await insertRegistration(db, { domain });
    const second = await startReadyConsumer(testEnv);
    processes.push(second);
    await waitFor(async () => (await domainCount(db, schema, domain)) >= 50, { what: '50 registrations projected', timeoutMs: 60_000, intervalMs: 100 });

    // The same event once more, at a new offset: what Debezium does after a crash.
    const routed = await readWholeTopic(testEnv.notifTopic);
    const again = routed.at(-1)!;
    const producer = createKafka(config).producer();
    await producer.connect();
    try {
      await sendMessages(producer, testEnv.notifTopic, [
        { key: again.key === null ? null : Buffer.from(again.key), value: Buffer.from(again.value!), headers: again.headers },
      ]);
    } finally {
      await producer.disconnect();
    }
    const records = routed.length + 1;
    await waitFor(async () => (await recordsApplied(db, schema, testEnv.notifTopic)) >= records, {
      what: `all ${records} records of the topic applied`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    assert.equal(await recordsApplied(db, schema, testEnv.notifTopic), records, 'each record of the topic applied exactly once');
    assert.equal(await domainCount(db, schema, domain), 50, 'each registration counted once');
    assert.equal(await directoryCount(db, schema, domain), 50);

    // Counted once is not enough: the restart began at the stored positions, so nothing was even re-read.
    await stopConsumerProcess(second);
    const stopped = second.logs.find((line) => line.msg === 'projector stopped');
    assert.ok(stopped !== undefined, 'the projector logs its counts when it stops');
    assert.equal((stopped.counts as Record<string, number>)['skipped:already-applied'], undefined, 'no record read a second time');
  });
});

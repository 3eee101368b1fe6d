import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Db } from '../../src/service/db/database.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { openTestDatabase } from '../support/database.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  config,
  inboxCount,
  insertRegistration,
  notificationStatuses,
  prepareConsumerEnv,
  type Registration,
  readWholeTopic,
  startReadyConsumer,
  stopConsumerProcess,
} from './consumer-support.ts';

const total = 200;
// Notifications 40..44 are row-locked by the test as soon as they are written, so their records
// are certainly in flight in the notifier (received, not acknowledged) when the process is killed.
// Fewer than DATABASE_POOL_MAX: each blocked transaction holds a pooled connection.
const held = { from: 40, to: 45 };

describe('kafka-consumer: kill -9 in the middle of a stream', () => {
  let db: Db;
  let testEnv: ConsumerTestEnv;
  const processes: ConsumerProcess[] = [];
  let blocker: pg.Client | undefined;

  before(async () => {
    db = await openTestDatabase();
    testEnv = await prepareConsumerEnv('crash');
  });

  after(async () => {
    await blocker?.end().catch(() => {});
    for (const consumer of processes) await stopConsumerProcess(consumer);
    if (testEnv !== undefined) await cleanupConsumerEnv(testEnv);
    await db?.destroy();
  });

  it(`sends all ${total} notifications, each applied exactly once, across a SIGKILL and a restart`, async () => {
    const first = await startReadyConsumer(testEnv);
    processes.push(first);
    const registrations: Registration[] = [];
    const started = Date.now();
    const lock = new pg.Client({ connectionString: config.DATABASE_URL });
    blocker = lock;
    await lock.connect();
    await lock.query('begin');

    // Writers keep going while the consumer dies: the stream does not pause for the crash.
    const writing = (async () => {
      for (let i = 0; i < total; i++) {
        const registration = await insertRegistration(db);
        // CDC takes hundreds of milliseconds to deliver it; the lock is taken long before.
        if (i >= held.from && i < held.to) await lock.query('select 1 from notifications where id = $1 for update', [registration.notificationId]);
        registrations.push(registration);
        if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();

    const handledBeforeKill = await waitFor(
      async () => {
        const handled = await inboxCount(
          db,
          testEnv.inboxHandler,
          registrations.map((r) => r.eventId),
        );
        return handled >= 80 ? handled : undefined;
      },
      { what: 'some events to be handled before the kill', timeoutMs: 30_000, intervalMs: 10 },
    );
    const heldEvents = registrations.slice(held.from, held.to).map((r) => r.eventId);
    const heldPending = heldEvents.length - (await inboxCount(db, testEnv.inboxHandler, heldEvents));
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    assert.equal(killed.signal, 'SIGKILL');
    const killedAt = Date.now();
    await lock.query('rollback');
    await lock.end();
    blocker = undefined;
    assert.ok(handledBeforeKill < total, `the kill must land mid-stream (${handledBeforeKill} of ${total} already handled)`);
    assert.equal(heldPending, held.to - held.from, 'the held notifications were still in flight at the kill');

    const second = await startReadyConsumer(testEnv);
    processes.push(second);
    const readyAfterMs = Date.now() - killedAt;
    await writing;

    const ids = registrations.map((r) => r.notificationId);
    const eventIds = registrations.map((r) => r.eventId);
    // The inbox rows under the test's own handler name: only this consumer writes them.
    await waitFor(async () => ((await inboxCount(db, testEnv.inboxHandler, eventIds)) === total ? true : undefined), {
      what: `all ${total} events to be handled`,
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const allSentMs = Date.now() - started;
    assert.equal(await inboxCount(db, testEnv.inboxHandler, eventIds), total, 'one inbox row per event');
    const statuses = await notificationStatuses(db, ids);
    for (const id of ids) assert.ok(statuses.get(id)?.status === 'SENT' && statuses.get(id)?.sent_at instanceof Date, `notification ${id} is SENT`);

    // Every event reached the routed topic at least once; redeliveries after the crash are allowed.
    const routed = await readWholeTopic(testEnv.notifTopic);
    const routedCount = new Map<string, number>();
    for (const record of routed) routedCount.set(record.headers['event-id']!, (routedCount.get(record.headers['event-id']!) ?? 0) + 1);
    for (const id of eventIds) assert.ok((routedCount.get(id) ?? 0) >= 1, `event ${id} was routed`);

    // Stopped first, so that every log line it wrote has been read.
    const stopped = await stopConsumerProcess(second);
    assert.equal(stopped.code, 0);
    // The sender ran at least once per event; a second run is only possible for a transaction cut by the kill.
    const sends = new Map<string, number>();
    for (const consumer of processes) {
      for (const line of consumer.logs) {
        const eventId = (line.notification as { eventId?: string } | undefined)?.eventId;
        if (line.msg === 'notification sent' && eventId !== undefined) sends.set(eventId, (sends.get(eventId) ?? 0) + 1);
      }
    }
    for (const id of eventIds) assert.ok((sends.get(id) ?? 0) >= 1, `event ${id} was sent`);
    const resent = eventIds.filter((id) => (sends.get(id) ?? 0) > 1).length;
    const rerouted = eventIds.filter((id) => (routedCount.get(id) ?? 0) > 1).length;

    process.stdout.write(
      `# crash: killed after ${handledBeforeKill}/${total} handled with ${heldPending} held in flight; restarted consumer ready ${readyAfterMs} ms after the kill; ` +
        `all ${total} SENT ${allSentMs} ms after the first insert; routed twice: ${rerouted}; sent twice: ${resent}; inbox rows: ${total}\n`,
    );
  });
});

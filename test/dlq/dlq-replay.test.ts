import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/service/db/database.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  handledAndSent,
  inboxCount,
  insertOrphanRegistration,
  insertRawOutboxRow,
  notificationStatuses,
  prepareConsumerEnv,
  readTopicUntil,
  readWholeTopic,
  startReadyConsumer,
  stopConsumerProcess,
  withAdmin,
} from '../consumer/consumer-support.ts';
import { runCli } from '../support/cli.ts';
import { openTestDatabase } from '../support/database.ts';

const fastRetries = { RETRY_MAX_ATTEMPTS: '2', RETRY_BASE_DELAY_MS: '20', RETRY_MAX_DELAY_MS: '50' };
const catalogFix = new URL('../support/catalog-fix.ts', import.meta.url).pathname;

// The operator's story on the real stack: a dead letter, the cause fixed, `cli dlq replay`, the
// effect applied exactly once however often the replay is run.
describe('cli dlq: list, replay, and no double effect', () => {
  let db: Db;
  let testEnv: ConsumerTestEnv;
  const processes: ConsumerProcess[] = [];

  before(async () => {
    db = await openTestDatabase();
    testEnv = await prepareConsumerEnv('dlqreplay');
  });

  after(async () => {
    for (const consumer of processes) await stopConsumerProcess(consumer);
    if (testEnv !== undefined) await cleanupConsumerEnv(testEnv);
    await db?.destroy();
  });

  const cli = (args: string[]) => runCli(args, { env: testEnv.env });
  const sentLines = (consumer: ConsumerProcess, eventId: string) =>
    consumer.logs.filter((line) => line.msg === 'notification sent' && JSON.stringify(line).includes(eventId)).length;

  it('NOTIFICATION_NOT_FOUND: dead-lettered, row restored, replayed -> SENT exactly once; a second replay changes nothing', async () => {
    const consumer = await startReadyConsumer(testEnv, fastRetries);
    processes.push(consumer);
    const { event, userId, notificationId, email } = await insertOrphanRegistration(db, 'dlq');
    await readTopicUntil(testEnv.dlqTopic, 'the NOTIFICATION_NOT_FOUND dead letter', (records) =>
      records.some((r) => r.headers['event-id'] === event.id && r.headers['dlq-error-code'] === 'NOTIFICATION_NOT_FOUND'),
    );

    const listed = await cli(['dlq', 'list', '--code', 'NOTIFICATION_NOT_FOUND', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const { deadLetters, summary } = JSON.parse(listed.stdout) as {
      deadLetters: Array<{ eventId: string; stage: string; replays: unknown[]; replayTopic: string }>;
      summary: Array<{ code: string; count: number }>;
    };
    assert.deepEqual(
      deadLetters.map((d) => [d.eventId, d.stage, d.replays.length, d.replayTopic]),
      [[event.id, 'notify', 0, testEnv.notifTopic]],
    );
    assert.deepEqual(summary, [{ code: 'NOTIFICATION_NOT_FOUND', count: 1, stages: ['notify'] }]);

    const none = await cli(['dlq', 'replay']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /say what to replay: --code, --stage, --key, --event-id/);

    // The fix: the rows the event refers to exist now.
    await db.insertInto('users').values({ id: userId, email, password_hash: 'not-a-real-hash' }).execute();
    await db.insertInto('notifications').values({ id: notificationId, user_id: userId, type: 'USER_REGISTRATION', message: 'Welcome!' }).execute();

    const dryRun = await cli(['dlq', 'replay', '--code', 'NOTIFICATION_NOT_FOUND', '--dry-run']);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(
      dryRun.stdout,
      new RegExp(`would replay .* NOTIFICATION_NOT_FOUND event ${event.id} aggregate ${userId} -> ${testEnv.notifTopic} \\(replay 1\\)`),
    );
    assert.match(dryRun.stdout, /dry run: 1 of 1 selected would be replayed; nothing was changed/);
    assert.equal((await readWholeTopic(testEnv.notifTopic)).filter((r) => r.headers['event-id'] === event.id).length, 1, 'the dry run produced nothing');
    assert.equal((await notificationStatuses(db, [notificationId])).get(notificationId)?.status, 'PENDING');

    const replay = await cli(['dlq', 'replay', '--code', 'NOTIFICATION_NOT_FOUND']);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /replayed 1 of 1 selected/);
    await handledAndSent(db, testEnv, { userId, notificationId, eventId: event.id }, 30_000);
    const replayed = (await readWholeTopic(testEnv.notifTopic)).filter((r) => r.headers['event-id'] === event.id);
    assert.equal(replayed.length, 2, 'the original record and its replay');
    assert.equal(replayed[1]?.key, userId);
    assert.equal(replayed[1]?.headers['replay-count'], '1');
    assert.match(replayed[1]?.headers['replay-of'] ?? '', new RegExp(`^${testEnv.dlqTopic.replaceAll('.', '\\.')}:\\d+:\\d+$`));

    const second = await cli(['dlq', 'replay', '--code', 'NOTIFICATION_NOT_FOUND']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /skip .*already replayed at/);
    assert.match(second.stdout, /replayed 0 of 1 selected; 1 already replayed/);

    // --again does re-publish; the inbox keeps the effect single. Wait until the notifier committed past it.
    const again = await cli(['dlq', 'replay', '--event-id', event.id, '--again']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /replay .* \(replay 2\)/);
    await notifierCaughtUp(testEnv);
    assert.equal(await inboxCount(db, testEnv.inboxHandler, [event.id]), 1);
    assert.equal((await notificationStatuses(db, [notificationId])).get(notificationId)?.status, 'SENT');
    assert.equal(sentLines(consumer, event.id), 1, 'the sender was called once');

    const after = JSON.parse((await cli(['dlq', 'list', '--event-id', event.id, '--json'])).stdout) as { deadLetters: Array<{ replays: unknown[] }> };
    assert.equal(after.deadLetters[0]?.replays.length, 2, 'list shows both replays');
    const shown = await cli(['dlq', 'show', event.id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /error: {6}NOTIFICATION_NOT_FOUND after 2 attempt\(s\)/);
    assert.match(shown.stdout, new RegExp(`"notificationId": "${notificationId}"`), 'the decoded value');
    assert.equal([...shown.stdout.matchAll(/ replay \d -> /g)].length, 2, 'the replay history');
    const wrong = await cli(['dlq', 'show', 'nonsense']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /expected an event id \(a UUID\) or a dead letter's partition:offset/);
    await stopConsumerProcess(consumer);
  });

  it('a route-stage dead letter (payload failing its schema): replayed before the fix it comes back with its count and the cap stops it; after a catalog fix it is routed and delivered', async () => {
    const unfixed = await startReadyConsumer(testEnv, fastRetries);
    processes.push(unfixed);
    const userId = randomUUID();
    const notificationId = randomUUID();
    const email = `dlq-${randomUUID()}@example.com`;
    await db.insertInto('users').values({ id: userId, email, password_hash: 'not-a-real-hash' }).execute();
    await db.insertInto('notifications').values({ id: notificationId, user_id: userId, type: 'USER_REGISTRATION', message: 'Welcome!' }).execute();
    // A time without a zone: the catalog as shipped refuses it, the fix accepts it.
    const event = await insertRawOutboxRow(db, {
      eventType: 'UserRegistered',
      aggregateId: userId,
      payload: { userId, email, notificationId, registeredAt: '2026-01-31T22:00:00' },
    });
    await readTopicUntil(testEnv.dlqTopic, 'the INVALID_PAYLOAD dead letter', (records) =>
      records.some((r) => r.value?.includes(event.id) === true && r.headers['dlq-error-code'] === 'INVALID_PAYLOAD'),
    );
    // Replayed before the fix: it fails again and is dead-lettered with its replay count; the cap then refuses it.
    const early = await cli(['dlq', 'replay', '--stage', 'router', '--event-id', event.id]);
    assert.equal(early.code, 0, early.stderr);
    await readTopicUntil(testEnv.dlqTopic, 'the replay dead-lettered again with its count', (records) =>
      records.some((r) => r.value?.includes(event.id) === true && r.headers['replay-count'] === '1'),
    );
    const capped = await cli(['dlq', 'replay', '--stage', 'router', '--event-id', event.id, '--max-replays', '1']);
    assert.equal(capped.code, 1, 'a refused replay fails the run');
    assert.match(capped.stdout, /replayed 1 time\(s\) already, the cap is --max-replays 1/);
    await stopConsumerProcess(unfixed);

    // The fix deployed: the consumer restarted with the edited catalog.
    const fixed = await startReadyConsumer(testEnv, { ...fastRetries, NODE_OPTIONS: `--import ${catalogFix}` });
    processes.push(fixed);
    const replay = await cli(['dlq', 'replay', '--stage', 'router', '--event-id', event.id]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(
      replay.stdout,
      new RegExp(`replay .* route INVALID_PAYLOAD event ${event.id} .* -> ${'dbz.public.outbox_events'.replaceAll('.', '\\.')} \\(replay 2\\)`),
    );
    assert.match(replay.stdout, /already replayed/, 'the first dead letter was replayed before; its newer one is');
    const routed = await readTopicUntil(testEnv.notifTopic, 'the replayed event routed', (records) => records.some((r) => r.headers['event-id'] === event.id));
    assert.equal(routed.filter((r) => r.headers['event-id'] === event.id).length, 1);
    await handledAndSent(db, testEnv, { userId, notificationId, eventId: event.id }, 30_000);
    assert.equal(sentLines(fixed, event.id), 1);
  });
});

/** The notifier group has committed everything on its topic: every record there was handled. */
async function notifierCaughtUp(testEnv: ConsumerTestEnv): Promise<void> {
  await waitFor(
    () =>
      withAdmin(async (admin) => {
        const ends = await admin.fetchTopicOffsets(testEnv.notifTopic);
        const [committed] = await admin.fetchOffsets({ groupId: testEnv.notifierGroup, topics: [testEnv.notifTopic] });
        const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
        return ends.every(({ partition, high }) => Number(high) === 0 || (at.get(partition) ?? -1) >= Number(high)) ? true : undefined;
      }),
    { what: `the notifier group ${testEnv.notifierGroup} committed to the end of ${testEnv.notifTopic}`, timeoutMs: 30_000, intervalMs: 200 },
  );
}

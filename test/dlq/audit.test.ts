import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/service/db/database.ts';
import type { AuditReport } from '../../src/tooling/audit/audit-verdict.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  handledAndSent,
  inboxCount,
  insertOrphanRegistration,
  insertRegistration,
  notificationStatuses,
  prepareConsumerEnv,
  readTopicUntil,
  startReadyConsumer,
  stopConsumerProcess,
} from '../consumer/consumer-support.ts';
import { runCli } from '../support/cli.ts';
import { openTestDatabase } from '../support/database.ts';

const fastRetries = { RETRY_MAX_ATTEMPTS: '2', RETRY_BASE_DELAY_MS: '20', RETRY_MAX_DELAY_MS: '50' };

// `cli audit` on the real stack, against a consumer of the test's own (its topics, groups and
// inbox name), so the audit judges exactly what this test wrote since each window began.
describe('cli audit: every event of a window accounted for, hop by hop', () => {
  let db: Db;
  let testEnv: ConsumerTestEnv;
  let consumer: ConsumerProcess | undefined;

  before(async () => {
    db = await openTestDatabase();
    testEnv = await prepareConsumerEnv('audit');
    consumer = await startReadyConsumer(testEnv, fastRetries);
  });

  after(async () => {
    await sql`alter publication outbox_publication add table outbox_events`.execute(db).catch(() => {});
    if (consumer !== undefined) await stopConsumerProcess(consumer);
    if (testEnv !== undefined) await cleanupConsumerEnv(testEnv);
    await db?.destroy();
  });

  const audit = async (since: Date) => {
    const run = await runCli(['audit', '--since', since.toISOString(), '--grace', '0s', '--json'], { env: testEnv.env });
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    return { code: run.code, report: JSON.parse(run.stdout) as AuditReport };
  };

  it('a clean window audits clean (exit 0); a notification no longer SENT although its event was handled does not', async () => {
    const since = new Date();
    const userId = randomUUID();
    // Three events of one key, so the order check has something to check.
    const registrations = [await insertRegistration(db, { userId }), await insertRegistration(db, { userId }), await insertRegistration(db)];
    for (const registration of registrations) await handledAndSent(db, testEnv, registration, 30_000);
    const { code, report } = await audit(since);
    assert.equal(code, 0, JSON.stringify(report.findings));
    assert.equal(report.events, 3);
    assert.equal(report.clean, 3);
    assert.equal(report.ok, true);

    // The inbox says handled, the notification says otherwise: someone changed it since.
    const tampered = registrations[2]!;
    await db.updateTable('notifications').set({ status: 'PENDING' }).where('id', '=', tampered.notificationId).execute();
    const broken = await audit(since);
    assert.equal(broken.code, 1);
    assert.deepEqual(
      broken.report.findings.map((f) => [f.eventId, f.kind, f.hop]),
      [[tampered.eventId, 'missing', 'sent']],
    );
  });

  it('an outbox row written while the publication excluded it is reported missing at the CDC hop, with its event id (exit 1)', async () => {
    const since = new Date();
    await sql`alter publication outbox_publication drop table outbox_events`.execute(db);
    let gap: Awaited<ReturnType<typeof insertRegistration>>;
    try {
      gap = await insertRegistration(db);
    } finally {
      await sql`alter publication outbox_publication add table outbox_events`.execute(db);
    }
    // An event written after the gap and delivered: capture has moved past the gap's row.
    const later = await insertRegistration(db);
    await handledAndSent(db, testEnv, later, 30_000);
    const { code, report } = await audit(since);
    assert.equal(code, 1);
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.findings.map((f) => [f.eventId, f.kind, f.hop, f.failing]),
      [[gap.eventId, 'missing', 'cdc', true]],
    );
    assert.equal(report.clean, 1);
  });

  it('a replayed duplicate is reported as a duplicate with the effect applied once (exit 0)', async () => {
    const since = new Date();
    const { event, userId, notificationId, email } = await insertOrphanRegistration(db, 'audit');
    await readTopicUntil(testEnv.dlqTopic, 'the NOTIFICATION_NOT_FOUND dead letter', (records) => records.some((r) => r.headers['event-id'] === event.id));
    const stuck = await audit(since);
    assert.equal(stuck.code, 1, 'a dead letter nobody replayed fails the audit');
    assert.deepEqual(
      stuck.report.findings.map((f) => [f.eventId, f.kind, f.hop]),
      [[event.id, 'dead-lettered', 'handled']],
    );

    await db.insertInto('users').values({ id: userId, email, password_hash: 'not-a-real-hash' }).execute();
    await db.insertInto('notifications').values({ id: notificationId, user_id: userId, type: 'USER_REGISTRATION', message: 'Welcome!' }).execute();
    const replay = await runCli(['dlq', 'replay', '--event-id', event.id], { env: testEnv.env });
    assert.equal(replay.code, 0, replay.stderr);
    await handledAndSent(db, testEnv, { userId, notificationId, eventId: event.id }, 30_000);

    const { code, report } = await audit(since);
    assert.equal(code, 0, JSON.stringify(report.findings));
    const duplicate = report.findings.find((f) => f.kind === 'duplicate');
    assert.equal(duplicate?.eventId, event.id);
    assert.equal(duplicate?.hop, 'routed');
    assert.match(duplicate?.detail ?? '', /2 records \(1 of them replays\).*effect applied once/);
    assert.equal(await inboxCount(db, testEnv.inboxHandler, [event.id]), 1);
    assert.equal((await notificationStatuses(db, [notificationId])).get(notificationId)?.status, 'SENT');
  });
});

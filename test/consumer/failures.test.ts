import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Db } from '../../src/service/db/database.ts';
import { openTestDatabase } from '../support/database.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  config,
  createTopics,
  handledAndSent,
  insertRawOutboxRow,
  insertRegistration,
  prepareConsumerEnv,
  produceNotificationRecord,
  readTopicUntil,
  startConsumerProcess,
  startReadyConsumer,
  stopConsumerProcess,
  withAdmin,
} from './consumer-support.ts';

// Failures that must make the consumer stop (so a supervisor restarts it) without losing anything.
describe('kafka-consumer: failing safely', () => {
  let db: Db;
  const envs: ConsumerTestEnv[] = [];
  const processes: ConsumerProcess[] = [];
  let blocker: pg.Client | undefined;

  before(async () => {
    db = await openTestDatabase();
  });

  after(async () => {
    await blocker?.end().catch(() => {});
    for (const consumer of processes) await stopConsumerProcess(consumer);
    for (const testEnv of envs) await cleanupConsumerEnv(testEnv);
    await db?.destroy();
  });

  it('exits non-zero when the dead-letter write fails, leaves the record uncommitted, and dead-letters it after the restart', async () => {
    // No dead-letter topic yet (and the producer never auto-creates one): every dead-letter write fails.
    const testEnv = await prepareConsumerEnv('dlqfail', { createDlq: false });
    envs.push(testEnv);
    const fastFailure = { KAFKA_SEND_TIMEOUT_MS: '1500', RETRY_MAX_ATTEMPTS: '2', RETRY_BASE_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '100' };
    const first = await startReadyConsumer(testEnv, fastFailure);
    processes.push(first);
    const poison = await insertRawOutboxRow(db, { eventType: 'UserDeleted', payload: { userId: randomUUID() } });

    const exited = await Promise.race([
      first.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the consumer did not exit')), 45_000)),
    ]);
    assert.equal(exited.code, 1, 'non-zero exit, so a supervisor restarts it');
    assert.ok(first.logs.some((line) => line.msg === 'cannot go on safely; stopping so a restart can retry'));

    await withAdmin((admin) => createTopics(admin, [testEnv.dlqTopic]));
    const second = await startReadyConsumer(testEnv);
    processes.push(second);
    const dead = await readTopicUntil(testEnv.dlqTopic, 'the poison record', (read) => read.some((r) => r.value?.includes(poison.id) === true));
    const record = dead.find((r) => r.value?.includes(poison.id) === true)!;
    assert.equal(record.headers['dlq-error-code'], 'UNKNOWN_EVENT_TYPE');
    assert.equal(record.headers['dlq-stage'], 'route');
  });

  it('exits non-zero when a group has lag and makes no progress for STALL_TIMEOUT_MS, and the record is handled after the restart', async () => {
    const testEnv = await prepareConsumerEnv('stall');
    envs.push(testEnv);
    // Only the notifier, fed only by this test: no other record can count as progress.
    const stallEnv = { STALL_TIMEOUT_MS: '3000', RECORD_ATTEMPT_TIMEOUT_MS: '60000', RETRY_MAX_ATTEMPTS: '1' };
    const first = startConsumerProcess(testEnv, stallEnv, ['--only', 'notifier']);
    processes.push(first);
    await first.waitForLog('kafka-consumer ready', (line) => line.msg === 'kafka-consumer ready');

    // A registration whose notification row the test keeps locked: the handler waits on it.
    const registration = await insertRegistration(db);
    const lock = new pg.Client({ connectionString: config.DATABASE_URL });
    blocker = lock;
    await lock.connect();
    await lock.query('begin');
    await lock.query('select 1 from notifications where id = $1 for update', [registration.notificationId]);
    await produceNotificationRecord(testEnv, registration, 'stall');
    const stuckAt = Date.now();

    const exited = await Promise.race([
      first.exited,
      new Promise<never>((_, reject) =>
        setTimeout(
          () =>
            reject(
              new Error(
                `the stalled consumer did not exit: ${first.logs
                  .slice(-10)
                  .map((l) => JSON.stringify(l))
                  .join('\n')}`,
              ),
            ),
          30_000,
        ),
      ),
    ]);
    const exitedAfterMs = Date.now() - stuckAt;
    assert.notEqual(exited.code, 0, 'non-zero exit, so a supervisor restarts it');
    assert.ok(
      first.logs.some((line) => typeof line.err === 'object' && JSON.stringify(line.err).includes('made no progress')),
      'the stall is logged',
    );

    await lock.query('rollback');
    await lock.end();
    blocker = undefined;
    const second = startConsumerProcess(testEnv, {}, ['--only', 'notifier']);
    processes.push(second);
    await handledAndSent(db, testEnv, registration, 30_000);
    process.stdout.write(`# stall: exited with code ${exited.code} ${exitedAfterMs} ms after the record got stuck (STALL_TIMEOUT_MS=3000)\n`);
  });
});

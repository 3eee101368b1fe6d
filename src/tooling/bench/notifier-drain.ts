import path from 'node:path';
import { eventHeaders } from '../../service/contract/headers.ts';
import type { BenchContext } from './bench-context.ts';
import { removeBenchRows } from './cleanup.ts';
import { spawnConsumer } from './ensure-consumer.ts';
import { waitForInbox } from './inbox-watch.ts';
import { cpuMsOf } from './process-cpu.ts';
import { batchRanges } from './rate-schedule.ts';
import type { NotifierDrainRun } from './report-schema.ts';
import { stages, sustainedRate } from './stage-rate.ts';
import { notificationRow, registrationPayload, syntheticRegistration, userRow } from './synthetic-registration.ts';

/** One transaction per record (how the notifier worked before batching) against the default batch. */
export const notifierDrainBatchMaxes = [1, 200] as const;

export interface NotifierDrainScenario {
  events: number;
  batchMax: number;
  round: number;
  drainTimeoutMs: number;
  logDirectory: string;
}

/**
 * The notification stage's own capacity: N routed records wait on a topic of their own (the stage
 * held: no consumer yet), their users and PENDING notifications committed, then a notifier-only
 * kafka-consumer with NOTIFIER_BATCH_MAX=`batchMax` is started and drains them. Measured: its
 * sustained rate (inbox processed_at, first to last) and its CPU time per 1,000 records (/proc),
 * zero loss (every event in its inbox, nothing dead-lettered). Nothing upstream runs, so neither
 * Debezium nor the router bounds the figure.
 */
export async function runNotifierDrain(context: BenchContext, scenario: NotifierDrainScenario): Promise<NotifierDrainRun> {
  const { config, admin, db, kafka, progress, tag } = context;
  const { events, batchMax, round, drainTimeoutMs, logDirectory } = scenario;
  const id = `${tag}-nd${batchMax}-${round}`;
  const topics = { routed: `bench.drain.${id}.notif`, dlq: `bench.drain.${id}.dlq` };
  const group = `bench-drain-notifier-${id}`;
  const handler = `bench-drain-${id}`;
  await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: config.TOPIC_PARTITIONS, replicationFactor: -1 })) });
  const registrations = Array.from({ length: events }, (_, index) => syntheticRegistration(`${id}-d`, index));
  const ids = registrations.map((registration) => registration.userId);
  const producer = kafka.producer({ 'linger.ms': 5, partitioner: 'murmur2_random', kafkaJS: { acks: -1 } });
  let stopConsumer: (() => Promise<void>) | undefined;
  let pid: number | undefined;
  let delivered = false;
  try {
    progress(`notifier drain, NOTIFIER_BATCH_MAX=${batchMax} (round ${round}): a backlog of ${events} routed records`);
    await producer.connect();
    for (const [from, to] of batchRanges(events, 1_000)) {
      const batch = registrations.slice(from, to);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(batch.map(userRow)).execute();
        await trx.insertInto('notifications').values(batch.map(notificationRow)).execute();
      });
      await producer.send({
        topic: topics.routed,
        messages: batch.map((registration) => ({
          key: registration.userId,
          value: JSON.stringify(registrationPayload(registration)),
          headers: { [eventHeaders.eventId]: registration.eventId },
        })),
      });
    }
    stopConsumer = await spawnConsumer(admin, {
      env: {
        LOG_LEVEL: config.LOG_LEVEL,
        USER_REGISTRATION_TOPIC: topics.routed,
        DLQ_TOPIC: topics.dlq,
        NOTIFIER_GROUP_ID: group,
        NOTIFIER_INBOX_HANDLER: handler,
        NOTIFIER_BATCH_MAX: String(batchMax),
        METRICS_PORT: '0',
      },
      args: ['--only', 'notifier'],
      groups: [group],
      logPath: path.join(logDirectory, `notifier-drain-${batchMax}-${round}.log`),
      onSpawn: (spawned) => {
        pid = spawned;
      },
    });
    // From here the group has joined and is draining: the start-up (loading, connecting) is not charged.
    const cpuBefore = await cpuMsOf(pid);
    const processed = await waitForInbox(db, handler, new Map(registrations.map((registration) => [registration.userId, registration.eventId])), {
      timeoutMs: drainTimeoutMs,
      pollMs: 500,
    });
    const cpuMs = (await cpuMsOf(pid)) - cpuBefore;
    const deadLetters = (await admin.fetchTopicOffsets(topics.dlq)).reduce((sum, partition) => sum + Number(partition.high), 0);
    delivered = processed.size === events && deadLetters === 0;
    const notifier = sustainedRate(stages.notifier, [...processed.values()]);
    progress(
      `  ${processed.size}/${events} SENT at ${notifier.ratePerSecond}/s, ${Math.round((cpuMs * 1000) / events)} ms CPU per 1,000, ${deadLetters} dead-lettered`,
    );
    return { batchMax, round, events, notifier, cpuMsPerThousand: Math.round((cpuMs * 1000) / events), deadLetters, delivered };
  } finally {
    await stopConsumer?.().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
    await admin.deleteGroups([group]).catch(() => {});
    // A run with loss keeps its rows (and inbox rows) for cli trace, like every bench run.
    if (delivered) {
      await db.deleteFrom('inbox').where('handler', '=', handler).execute();
      await removeBenchRows(db, ids);
    }
  }
}

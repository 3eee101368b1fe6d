import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { DeadLetterStage } from '../contract/stages.ts';
import type { Db } from '../db/database.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Consumer, Kafka } from '../kafka/client.ts';
import type { Logger } from '../logger.ts';
import { applyRegistrations, readPositions } from '../projection/apply-registrations.ts';
import { type PositionedRecord, readUserFact } from '../projection/user-fact.ts';
import type { RunningGroup } from './consumer-group.ts';
import { Counters } from './counters.ts';
import { buildDeadLetter } from './dead-letter.ts';
import type { DeadLetterSink } from './record-pipeline.ts';
import { type RetryPolicy, withRetry } from './retry.ts';
import { createStatsLag } from './stats-lag.ts';

export interface ProjectorOptions {
  name: string;
  stage: DeadLetterStage;
  topic: string;
  groupId: string;
  kafka: Kafka;
  db: Db;
  /** The PostgreSQL schema of the projection (PROJECTION_SCHEMA). */
  schema: string;
  deadLetter: DeadLetterSink;
  retry: RetryPolicy;
  sessionTimeoutMs: number;
  maxPollIntervalMs: number;
  /** librdkafka's statistics.interval.ms: how fresh the lag of lags() is. */
  statsIntervalMs: number;
  logger: Logger;
  onFatal: (error: AppError) => void;
}

// librdkafka's OFFSET_BEGINNING: a partition the projection never read starts at its first record.
const offsetBeginning = -2;

/**
 * The registrations projector (user directory and registration counts): a consumer group whose position lives in PostgreSQL, not in Kafka.
 *
 * Each batch (one partition's records) is applied in ONE transaction that also moves the stored
 * position (projection/apply-registrations.ts). On every assignment the group reads the stored
 * positions and starts each partition there, so what Kafka remembers of this group never decides
 * what is applied: a crash between the database commit and a Kafka commit, a deleted group, a
 * reset offset, all resume exactly after the last applied record. The offsets it still commits to
 * Kafka, after the database, are a copy for `cli status`, the lag metrics and the stall watch.
 */
export async function startProjector(options: ProjectorOptions): Promise<RunningGroup> {
  const { name, topic, groupId, kafka, db, schema, retry, onFatal } = options;
  const logger = options.logger.child({ group: name });
  const counters = new Counters();
  const stopSignal = new AbortController();
  let assigned: KafkaJS.TopicPartition[] = [];
  // The next offset to apply per partition (stored, then moved by each batch): the lag's base
  // until librdkafka knows a commit of ours (it does not count an assigned position as one).
  const positions = new Map<number, number>();
  let progress = 0;
  let stopping = false;
  let inBatch: Promise<void> = Promise.resolve();
  const { promise: ready, resolve: markReady } = Promise.withResolvers<void>();

  const fail = (error: AppError) => {
    if (stopping) return;
    // Nothing after this batch may be applied out of order: stop taking batches, let a restart resume.
    stopping = true;
    onFatal(new AppError(error.code, `${name}: ${error.message}`, { cause: error, retryable: error.retryable }));
  };

  const startingPoints = async (assignment: KafkaJS.TopicPartition[]) => {
    const read = await withRetry(() => readPositions(db, schema, topic), { policy: retry, signal: stopSignal.signal });
    // Unreadable positions: start every partition at its beginning; the position check inside each
    // transaction skips what was applied, so this costs a re-read, never a double count.
    if (!read.ok) logger.error({ err: read.error }, 'stored positions unreadable; reading from the beginning');
    const stored = read.ok ? read.value : new Map<number, number>();
    return assignment.map(({ topic: t, partition }) => ({ topic: t, partition, offset: stored.get(partition) ?? offsetBeginning }));
  };

  const stats = createStatsLag();
  const consumer: Consumer = kafka.consumer({
    kafkaJS: {
      groupId,
      autoCommit: false,
      fromBeginning: true,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout: options.maxPollIntervalMs,
    },
    // One transaction per batch: larger batches cost the same round trips as small ones (default 32).
    'js.consumer.max.batch.size': 1_000,
    'statistics.interval.ms': options.statsIntervalMs,
    stats_cb: stats.listener,
    // Returning an assignment makes the client assign it, offsets included: the seek to the stored positions.
    rebalance_cb: async (error: { code: number }, assignment: KafkaJS.TopicPartition[]) => {
      if (error.code === KafkaJS.ErrorCodes.ERR__ASSIGN_PARTITIONS) {
        const starts = await startingPoints(assignment);
        assigned = assignment.map(({ topic: t, partition }) => ({ topic: t, partition }));
        for (const { partition, offset } of starts) if (offset >= 0) positions.set(partition, offset);
        logger.info({ assigned: starts.map(({ partition, offset }) => ({ partition, offset })) }, 'partitions assigned at their stored positions');
        markReady();
        return starts;
      }
      if (error.code === KafkaJS.ErrorCodes.ERR__REVOKE_PARTITIONS) {
        assigned = assigned.filter((mine) => !assignment.some((revoked) => revoked.partition === mine.partition));
        for (const { partition } of assignment) positions.delete(partition);
        logger.info({ revoked: assignment.map((tp) => tp.partition) }, 'partitions revoked');
      }
      return undefined;
    },
  });

  const applyBatch = async (partition: number, records: PositionedRecord[], source: KafkaJS.KafkaMessage[]) => {
    // Malformed records are dead-lettered first, then passed over with the rest of the batch.
    for (const [index, record] of records.entries()) {
      const fact = readUserFact(record);
      if (!isAppError(fact)) continue;
      const message = source[index]!;
      const dead = buildDeadLetter({
        record: { topic, partition, offset: message.offset, timestamp: message.timestamp, key: message.key, value: message.value, headers: message.headers },
        stage: options.stage,
        error: fact,
        attempts: 1,
        failedAt: new Date(),
      });
      const written = await withRetry(() => options.deadLetter(dead), { policy: retry, signal: stopSignal.signal });
      if (!written.ok) throw written.error;
      counters.add(`dead-lettered:${fact.code}`);
      logger.warn({ code: fact.code, reason: fact.message, partition, offset: message.offset }, 'record dead-lettered');
    }
    const done = await withRetry(() => db.transaction().execute((trx) => applyRegistrations(trx, schema, { topic, partition, records })), {
      policy: retry,
      signal: stopSignal.signal,
      onRetry: (error, attempt, waitMs) => logger.warn({ err: error, code: error.code, attempt, waitMs, partition }, 'retrying a projection batch'),
    });
    if (!done.ok) {
      if (!done.aborted) throw done.error;
      return;
    }
    counters.add('projected', done.value.added);
    if (done.value.changed > 0) counters.add('email-changed', done.value.changed);
    if (done.value.staleChanges > 0) counters.add('skipped:stale-change', done.value.staleChanges);
    if (done.value.repeated > 0) counters.add('skipped:already-applied', done.value.repeated);
    progress++;
    positions.set(partition, done.value.nextOffset);
    // The copy for status and lag; the database holds the position that counts.
    await consumer.commitOffsets([{ topic, partition, offset: String(done.value.nextOffset) }]).catch((error: unknown) => {
      logger.debug({ err: error }, 'copying the position to Kafka failed; the next batch copies it again');
    });
  };

  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (stopping || batch.messages.length === 0) return;
      const records = batch.messages.map((message) => ({ offset: Number(message.offset), value: message.value, headers: message.headers }));
      const work = applyBatch(batch.partition, records, batch.messages).catch((error: unknown) => {
        logger.error({ err: error, partition: batch.partition }, 'projection batch failed');
        fail(isAppError(error) ? error : new AppError('INTERNAL', (error as Error).message, { cause: error }));
      });
      inBatch = work;
      await work;
    },
  });
  logger.info({ topic, schema }, 'projector started');

  let stopped: Promise<void> | undefined;
  return {
    name,
    topic,
    counters,
    ready,
    progress: () => progress,
    assignment: () => [...assigned],
    lags: () => stats.lags(assigned, positions),
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        // A batch under way finishes (or its retries are cut short and it is left to the next run).
        stopSignal.abort(new AppError('TIMEOUT', `${name} is stopping`));
        await inBatch;
        await consumer.disconnect();
        logger.info({ counts: counters.snapshot() }, 'projector stopped');
      })()),
  };
}

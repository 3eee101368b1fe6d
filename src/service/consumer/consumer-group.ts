import { setTimeout as delay } from 'node:timers/promises';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { DeadLetterStage } from '../contract/stages.ts';
import { AppError } from '../errors.ts';
import type { Consumer } from '../kafka/client.ts';
import type { PartitionLag } from '../kafka/partition-lag.ts';
import type { Logger } from '../logger.ts';
import { createCommitter } from './committer.ts';
import { Counters } from './counters.ts';
import type { SourceRecord } from './dead-letter.ts';
import type { GroupObserver } from './group-observer.ts';
import { InFlightWindow } from './in-flight-window.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { followAssignment, type RebalanceListener } from './rebalance.ts';
import { createRecordPipeline, type DeadLetterSink, type RecordHandler } from './record-pipeline.ts';
import type { RetryPolicy } from './retry.ts';
import { createStatsLag, type StatsListener } from './stats-lag.ts';

export type { DeadLetterSink, RebalanceListener, RecordHandler };

export interface ConsumerGroupOptions {
  name: string;
  stage: DeadLetterStage;
  topic: string;
  /** Builds the consumer; the group installs its rebalance and statistics listeners through it. */
  createConsumer: (onRebalance: RebalanceListener, onStats: StatsListener) => Consumer;
  handle: RecordHandler;
  /** Metrics and traces of each record; none by default. */
  observer?: GroupObserver;
  deadLetter: DeadLetterSink;
  retry: RetryPolicy;
  attemptTimeoutMs: number;
  maxInFlight: number;
  logger: Logger;
  /** Called once when the group cannot go on safely (a dead-letter write failed for good). */
  onFatal: (error: AppError) => void;
  /** How long stop() lets in-flight records finish before cancelling them. */
  drainTimeoutMs?: number;
}

export interface RunningGroup {
  readonly name: string;
  readonly topic: string;
  readonly counters: Counters;
  /** Resolves on the first partition assignment. */
  readonly ready: Promise<void>;
  /** Moves whenever a record finishes or offsets are committed: the liveness signal. */
  progress(): number;
  assignment(): KafkaJS.TopicPartition[];
  /** Lag of the assigned partitions, from the consumer's own statistics; unknown ones left out. */
  lags(): PartitionLag[];
  stop(): Promise<void>;
}

const commitRetryIntervalMs = 1_000;

/**
 * One consumer group with at-least-once delivery and several records in flight.
 *
 * eachMessage only admits a record into the in-flight window and returns, so the fetch loop
 * never awaits a send and never sees an exception (throwing from eachMessage seeks back and
 * restarts every partition worker). Each record goes through the record pipeline (attempts,
 * retries, dead letter) in the background; its offset becomes committable once it is done with
 * AND every earlier record of its partition is too (offset-tracker.ts). Commits are explicit
 * (autoCommit off: the client stores an offset as soon as eachMessage returns, which is too
 * early), coalesced, and repeated until they succeed (committer.ts).
 */
export async function startConsumerGroup(options: ConsumerGroupOptions): Promise<RunningGroup> {
  const { name, topic, maxInFlight, onFatal, drainTimeoutMs = 7_000 } = options;
  const logger = options.logger.child({ group: name });
  const counters = new Counters();
  const tracker = new OffsetTracker();
  const window = new InFlightWindow(maxInFlight);
  const stopSignal = new AbortController();
  let stopping = false;
  let connected = false;
  let progress = 0;
  let fatal = false;
  const reportFatal = (error: AppError) => {
    if (fatal) return;
    fatal = true;
    onFatal(error);
  };

  let consumer: Consumer | undefined;
  const commits = createCommitter({
    consumer: { commitOffsets: (offsets) => consumer!.commitOffsets(offsets) },
    tracker,
    logger,
    isConnected: () => connected,
    onCommitted: () => progress++,
  });
  const assignment = followAssignment({ tracker, window, commits, logger, isStopping: () => stopping });
  const stats = createStatsLag();
  consumer = options.createConsumer(assignment.listener, stats.listener);
  const pipeline = createRecordPipeline({ ...options, logger, counters, stop: stopSignal.signal, onFatal: (error) => reportFatal(withGroup(name, error)) });

  await consumer.connect();
  connected = true;
  await consumer.subscribe({ topics: [topic] });
  const retryTimer = setInterval(() => commits.request(), commitRetryIntervalMs);

  await consumer.run({
    eachMessage: async ({ topic: t, partition, message }) => {
      if (stopping) return; // never tracked, so never committed: the next run reads it again
      try {
        const record: SourceRecord = {
          topic: t,
          partition,
          offset: message.offset,
          timestamp: message.timestamp,
          key: message.key,
          value: message.value,
          headers: message.headers,
        };
        const receipt = tracker.track(t, partition, message.offset);
        const key = message.key === null ? null : `${partition}:${message.key.toString('base64')}`;
        await window.submit(key, async () => {
          if (!(await pipeline(record))) return;
          receipt.ack();
          progress++;
          commits.request();
        });
      } catch (error) {
        logger.error({ err: error, topic: t, partition, offset: message.offset }, 'unexpected failure admitting a record');
        reportFatal(new AppError('INTERNAL', `${name}: ${(error as Error).message}`, { cause: error }));
      }
    },
  });
  logger.info({ topic, maxInFlight }, 'consumer group started');

  let stopped: Promise<void> | undefined;
  return {
    name,
    topic,
    counters,
    ready: assignment.ready,
    progress: () => progress,
    assignment: assignment.current,
    lags: () => stats.lags(assignment.current()),
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        try {
          consumer.pause([{ topic }]);
        } catch {
          // Not assigned anything: nothing to pause.
        }
        const drained = await Promise.race([window.idle().then(() => true), delay(drainTimeoutMs, false, { ref: false })]);
        if (!drained) {
          logger.warn({ inFlight: window.size }, 'in-flight records did not finish in time; cancelling them, leaving them uncommitted');
          stopSignal.abort(new AppError('TIMEOUT', `${name} is stopping`));
          await Promise.race([window.idle(), delay(1_000, undefined, { ref: false })]);
        }
        clearInterval(retryTimer);
        await commits.flush();
        connected = false;
        await consumer.disconnect();
        logger.info({ counts: counters.snapshot() }, 'consumer group stopped');
      })()),
  };
}

function withGroup(name: string, error: AppError): AppError {
  return new AppError(error.code, `${name}: ${error.message}`, { cause: error.cause, retryable: error.retryable });
}

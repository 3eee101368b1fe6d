import { setTimeout as delay } from 'node:timers/promises';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { AppError } from '../errors.ts';
import type { Consumer } from '../kafka/client.ts';
import type { Logger } from '../logger.ts';
import { Counters } from './counters.ts';
import { buildDeadLetter, type DeadLetterMessage, type SourceRecord, type Stage } from './dead-letter.ts';
import { InFlightWindow } from './in-flight-window.ts';
import { toKafkaError } from './kafka-errors.ts';
import { OffsetTracker, type Receipt } from './offset-tracker.ts';
import { type RetryPolicy, toAppError, withRetry } from './retry.ts';

/** Handles one record; resolves with an outcome label to count, throws (an AppError) to fail. */
export type RecordHandler = (record: SourceRecord) => Promise<string>;
export type DeadLetterSink = (message: DeadLetterMessage) => Promise<void>;
export type RebalanceListener = (error: { code: number }, assignment: KafkaJS.TopicPartition[]) => Promise<void>;

export interface ConsumerGroupOptions {
  name: string;
  stage: Stage;
  topic: string;
  /** Builds the consumer; the group installs its rebalance listener through it. */
  createConsumer: (onRebalance: RebalanceListener) => Consumer;
  handle: RecordHandler;
  deadLetter: DeadLetterSink;
  retry: RetryPolicy;
  attemptTimeoutMs: number;
  maxInFlight: number;
  logger: Logger;
  /** Called once when the group cannot go on safely (a dead-letter write failed for good). */
  onFatal: (error: AppError) => void;
  /** How long stop() lets in-flight records finish before abandoning their retries. */
  drainTimeoutMs?: number;
  classify?: (error: unknown) => AppError;
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
  stop(): Promise<void>;
}

const commitRetryIntervalMs = 1_000;
const rebalanceDrainMs = 5_000;

/**
 * One consumer group with at-least-once delivery and several records in flight.
 *
 * eachMessage only admits a record into the in-flight window and returns, so the fetch loop
 * never awaits a send and never sees an exception (throwing from eachMessage seeks back and
 * restarts every partition worker). Each record is retried (retryable errors only) and else
 * dead-lettered in the background; its offset becomes committable once the routed or
 * dead-lettered record is acknowledged AND every earlier record of its partition is too.
 * Commits are explicit (autoCommit off: the client stores an offset as soon as eachMessage
 * returns, which is too early), coalesced, and repeated until they succeed.
 */
export async function startConsumerGroup(options: ConsumerGroupOptions): Promise<RunningGroup> {
  const {
    name,
    stage,
    topic,
    handle,
    deadLetter,
    retry,
    attemptTimeoutMs,
    maxInFlight,
    logger,
    onFatal,
    drainTimeoutMs = 7_000,
    classify = toAppError,
  } = options;
  const counters = new Counters();
  const tracker = new OffsetTracker();
  const window = new InFlightWindow(maxInFlight);
  const abort = new AbortController();
  let stopping = false;
  let connected = false;
  let progress = 0;
  let fatal = false;
  let assigned: KafkaJS.TopicPartition[] = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const commits = createCommitter();

  const consumer = options.createConsumer(async (event, assignment) => {
    if (event.code === KafkaJS.ErrorCodes.ERR__REVOKE_PARTITIONS) {
      // Let what is in flight finish and commit it, so the next owner repeats as little as possible.
      // Not when stopping: stop() already drained, and a revoke that waits here during disconnect
      // holds librdkafka's close, which can then hang even process.exit.
      if (!stopping) await Promise.race([window.idle(), delay(rebalanceDrainMs, undefined, { ref: false })]);
      await commits.flush();
      for (const { topic: t, partition } of assignment) tracker.forget(t, partition);
      assigned = assigned.filter((tp) => !assignment.some((revoked) => revoked.topic === tp.topic && revoked.partition === tp.partition));
      logger.info({ group: name, revoked: assignment.map((tp) => tp.partition) }, 'partitions revoked');
    } else if (event.code === KafkaJS.ErrorCodes.ERR__ASSIGN_PARTITIONS) {
      for (const { topic: t, partition } of assignment) tracker.forget(t, partition);
      const added = assignment.filter((tp) => !assigned.some((mine) => mine.topic === tp.topic && mine.partition === tp.partition));
      assigned = [...assigned, ...added.map(({ topic: t, partition }) => ({ topic: t, partition }))];
      logger.info({ group: name, assigned: assignment.map((tp) => tp.partition) }, 'partitions assigned');
      markReady();
    }
  });

  async function processRecord(record: SourceRecord, receipt: Receipt): Promise<void> {
    const handled = await withRetry(() => withTimeout(handle(record), attemptTimeoutMs), {
      policy: retry,
      classify,
      signal: abort.signal,
      onRetry: (error, attempt, waitMs) => logger.warn({ group: name, code: error.code, err: error, attempt, waitMs, ...where(record) }, 'retrying record'),
    });
    if (handled.ok) {
      counters.add(handled.value);
      finish(receipt);
      return;
    }
    // Shutting down mid-retry: leave the record uncommitted; the next run handles it.
    if (handled.aborted) return;

    const message = buildDeadLetter({ record, stage, error: handled.error, attempts: handled.attempts, failedAt: new Date() });
    const written = await withRetry(() => withTimeout(deadLetter(message), attemptTimeoutMs), { policy: retry, classify: toKafkaError, signal: abort.signal });
    if (written.ok) {
      counters.add(`dead-lettered:${handled.error.code}`);
      logger.warn(
        { group: name, code: handled.error.code, reason: handled.error.message, attempts: handled.attempts, ...where(record) },
        'record dead-lettered',
      );
      finish(receipt);
      return;
    }
    if (written.aborted) return;
    // Nothing may be dropped: the offset stays uncommitted and the process restarts to retry it.
    if (!fatal) {
      fatal = true;
      onFatal(
        new AppError(
          written.error.code,
          `${name}: dead-letter write failed after ${written.attempts} attempts, offset ${record.offset} of ${record.topic}[${record.partition}] left uncommitted: ${written.error.message}`,
          { cause: written.error, retryable: true },
        ),
      );
    }
  }

  function finish(receipt: Receipt): void {
    receipt.ack();
    progress++;
    commits.request();
  }

  function createCommitter() {
    let running: Promise<void> | undefined;
    let wanted = false;
    async function loop(): Promise<void> {
      while (wanted && connected) {
        wanted = false;
        const offsets = tracker.committable();
        if (offsets.length === 0) continue;
        try {
          await consumer.commitOffsets(offsets);
          tracker.markCommitted(offsets);
          progress++;
        } catch (error) {
          // The offsets stay committable; the timer asks again.
          logger.warn({ group: name, err: error }, 'offset commit failed, will retry');
          return;
        }
      }
    }
    function request(): void {
      wanted = true;
      // setImmediate lets the acknowledgements of one burst share a commit.
      running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(loop).finally(() => {
        running = undefined;
        // An acknowledgement that arrived between the loop's last check and here must not wait for the timer.
        if (wanted && connected) request();
      });
    }
    return {
      request,
      async flush(): Promise<void> {
        await running;
        request();
        await running;
      },
    };
  }

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
        await window.submit(key, () => processRecord(record, receipt));
      } catch (error) {
        logger.error({ group: name, err: error, topic: t, partition, offset: message.offset }, 'unexpected failure admitting a record');
        if (!fatal) {
          fatal = true;
          onFatal(new AppError('INTERNAL', `${name}: ${(error as Error).message}`, { cause: error }));
        }
      }
    },
  });
  logger.info({ group: name, topic, maxInFlight }, 'consumer group started');

  let stopped: Promise<void> | undefined;
  return {
    name,
    topic,
    counters,
    ready,
    progress: () => progress,
    assignment: () => [...assigned],
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
          logger.warn({ group: name, inFlight: window.size }, 'in-flight records did not finish in time; leaving them uncommitted');
          abort.abort();
          await Promise.race([window.idle(), delay(1_000, undefined, { ref: false })]);
        }
        clearInterval(retryTimer);
        await commits.flush();
        connected = false;
        await consumer.disconnect();
        logger.info({ group: name, counts: counters.snapshot() }, 'consumer group stopped');
      })()),
  };
}

function where(record: SourceRecord): Record<string, unknown> {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  const timeout = delay(timeoutMs, undefined, { signal: controller.signal }).then(() => {
    throw new AppError('TIMEOUT', `no answer within ${timeoutMs} ms`);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    controller.abort();
    timeout.catch(() => {});
  }
}

import type { DeadLetterStage } from '../contract/stages.ts';
import { AppError, toAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { runAttempt } from './attempt.ts';
import type { Counters } from './counters.ts';
import { buildDeadLetter, type DeadLetterMessage, type SourceRecord } from './dead-letter.ts';
import { type GroupObserver, noObserver, type RecordObservation, type RecordResult } from './group-observer.ts';
import { type RetryPolicy, withRetry } from './retry.ts';

/**
 * Handles one record; resolves with an outcome label to count, throws an AppError to fail. The
 * signal fires when the attempt timed out or the group stops: stop the work (cancel a statement,
 * abort a request) and throw.
 */
export type RecordHandler = (record: SourceRecord, signal: AbortSignal) => Promise<string>;
/** Writes one dead letter; resolves once the broker acknowledged it, throws a classified AppError otherwise. */
export type DeadLetterSink = (message: DeadLetterMessage) => Promise<void>;

export interface RecordPipelineOptions {
  stage: DeadLetterStage;
  handle: RecordHandler;
  deadLetter: DeadLetterSink;
  retry: RetryPolicy;
  attemptTimeoutMs: number;
  logger: Logger;
  counters: Counters;
  /** Metrics and traces of each record (group-observer.ts); none by default. */
  observer?: GroupObserver;
  /** Fires on shutdown: no further attempt starts and the running one is cancelled. */
  stop: AbortSignal;
  /** Called once when going on is unsafe: a dead-letter write failed for good. */
  onFatal: (error: AppError) => void;
}

/**
 * What happens to one record: attempts (retryable failures only, bounded), else its dead letter.
 * Resolves true once the record is done with (handled, or dead-lettered and acknowledged), false
 * when it must stay uncommitted (shutdown, or a dead letter that could not be written).
 */
export function createRecordPipeline(options: RecordPipelineOptions): (record: SourceRecord) => Promise<boolean> {
  const { stage, handle, deadLetter, retry, attemptTimeoutMs, logger, counters, stop, onFatal, observer = noObserver } = options;
  let fatal = false;
  const attempt = <T>(work: (signal: AbortSignal) => Promise<T>) => runAttempt(work, { timeoutMs: attemptTimeoutMs, stop });

  return async (record) => {
    const observation = observer.start([record]);
    let done: RecordResult = { kind: 'left' };
    try {
      done = await observation.within(() => handleRecord(record, observation));
    } finally {
      observation.finished(done);
    }
    return done.kind !== 'left';
  };

  async function handleRecord(record: SourceRecord, observation: RecordObservation): Promise<RecordResult> {
    const handled = await withRetry(() => timed(observation, () => attempt((signal) => handle(record, signal))), {
      policy: retry,
      signal: stop,
      onRetry: (error, failedAttempts, waitMs) => {
        observation.retrying(error);
        logger.warn({ code: error.code, err: error, attempt: failedAttempts, waitMs, ...where(record) }, 'retrying record');
      },
    });
    if (handled.ok) {
      counters.add(handled.value);
      return { kind: 'handled', outcome: handled.value };
    }
    // Shutting down mid-retry: leave the record uncommitted; the next run handles it.
    if (handled.aborted) return { kind: 'left' };

    const message = buildDeadLetter({ record, stage, error: handled.error, attempts: handled.attempts, failedAt: new Date() });
    const written = await withRetry(() => attempt(() => deadLetter(message)), { policy: retry, signal: stop });
    if (written.ok) {
      counters.add(`dead-lettered:${handled.error.code}`);
      logger.warn({ code: handled.error.code, reason: handled.error.message, attempts: handled.attempts, ...where(record) }, 'record dead-lettered');
      return { kind: 'dead-lettered', code: handled.error.code };
    }
    // Nothing may be dropped: the offset stays uncommitted and the process restarts to retry it.
    if (!written.aborted && !fatal) {
      fatal = true;
      onFatal(
        new AppError(
          written.error.code,
          `dead-letter write failed after ${written.attempts} attempts, offset ${record.offset} of ${record.topic}[${record.partition}] left uncommitted: ${written.error.message}`,
          { cause: written.error, retryable: true },
        ),
      );
    }
    return { kind: 'left' };
  }
}

/** Times one attempt of the handler, its failure included, for the attempt duration histogram. */
async function timed<T>(observation: RecordObservation, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const value = await work();
    observation.attempted((performance.now() - started) / 1000, undefined);
    return value;
  } catch (error) {
    observation.attempted((performance.now() - started) / 1000, toAppError(error));
    throw error;
  }
}

function where(record: SourceRecord): Record<string, unknown> {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

import type { DeadLetterStage } from '../contract/stages.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { runAttempt } from './attempt.ts';
import type { Counters } from './counters.ts';
import { buildDeadLetter, type DeadLetterMessage, type SourceRecord } from './dead-letter.ts';
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
  const { stage, handle, deadLetter, retry, attemptTimeoutMs, logger, counters, stop, onFatal } = options;
  let fatal = false;
  const attempt = <T>(work: (signal: AbortSignal) => Promise<T>) => runAttempt(work, { timeoutMs: attemptTimeoutMs, stop });

  return async (record) => {
    const handled = await withRetry(() => attempt((signal) => handle(record, signal)), {
      policy: retry,
      signal: stop,
      onRetry: (error, failedAttempts, waitMs) =>
        logger.warn({ code: error.code, err: error, attempt: failedAttempts, waitMs, ...where(record) }, 'retrying record'),
    });
    if (handled.ok) {
      counters.add(handled.value);
      return true;
    }
    // Shutting down mid-retry: leave the record uncommitted; the next run handles it.
    if (handled.aborted) return false;

    const message = buildDeadLetter({ record, stage, error: handled.error, attempts: handled.attempts, failedAt: new Date() });
    const written = await withRetry(() => attempt(() => deadLetter(message)), { policy: retry, signal: stop });
    if (written.ok) {
      counters.add(`dead-lettered:${handled.error.code}`);
      logger.warn({ code: handled.error.code, reason: handled.error.message, attempts: handled.attempts, ...where(record) }, 'record dead-lettered');
      return true;
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
    return false;
  };
}

function where(record: SourceRecord): Record<string, unknown> {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

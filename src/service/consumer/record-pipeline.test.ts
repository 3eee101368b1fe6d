import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { Counters } from './counters.ts';
import type { SourceRecord } from './dead-letter.ts';
import type { GroupObserver, RecordResult } from './group-observer.ts';
import { createRecordPipeline, type DeadLetterSink, type RecordHandler } from './record-pipeline.ts';

const record: SourceRecord = { topic: 't', partition: 0, offset: '5', timestamp: '0', key: null, value: null, headers: undefined };

// Records what the pipeline tells its observer, in order.
function recordingObserver() {
  const events: string[] = [];
  let inside = false;
  const observer: GroupObserver = {
    start: (records) => {
      events.push(`start ${records.map((r) => r.offset).join(',')}`);
      return {
        within: async (work) => {
          inside = true;
          try {
            return await work();
          } finally {
            inside = false;
          }
        },
        attempted: (_seconds, error) => events.push(`attempt ${error?.code ?? 'ok'}${inside ? '' : ' OUTSIDE'}`),
        retrying: (error) => events.push(`retry ${error.code}`),
        finished: (result: RecordResult) =>
          events.push(`finished ${result.kind}${'outcome' in result ? ` ${result.outcome}` : ''}${'code' in result ? ` ${result.code}` : ''}`),
      };
    },
  };
  return { observer, events };
}

function pipeline(handle: RecordHandler, deadLetter: DeadLetterSink, observer: GroupObserver, onFatal = (_: AppError) => {}) {
  return createRecordPipeline({
    stage: 'notify',
    handle,
    deadLetter,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    attemptTimeoutMs: 1_000,
    logger: createLogger('silent'),
    counters: new Counters(),
    observer,
    stop: new AbortController().signal,
    onFatal,
  });
}

test('every attempt, retry and the outcome reach the observer, the attempts inside its context', async () => {
  const { observer, events } = recordingObserver();
  let calls = 0;
  const done = await pipeline(
    async () => {
      if (++calls === 1) throw new AppError('TIMEOUT', 'slow');
      return 'sent';
    },
    async () => {},
    observer,
  )(record);
  assert.equal(done, true);
  assert.deepEqual(events, ['start 5', 'attempt TIMEOUT', 'retry TIMEOUT', 'attempt ok', 'finished handled sent']);
});

test('a poison record is observed as dead-lettered with its code', async () => {
  const { observer, events } = recordingObserver();
  const done = await pipeline(
    async () => {
      throw new AppError('INVALID_PAYLOAD', 'bad', { retryable: false });
    },
    async () => {},
    observer,
  )(record);
  assert.equal(done, true);
  assert.deepEqual(events, ['start 5', 'attempt INVALID_PAYLOAD', 'finished dead-lettered INVALID_PAYLOAD']);
});

test('a dead letter that cannot be written leaves the record, and the observer knows it', async () => {
  const { observer, events } = recordingObserver();
  let fatal: AppError | undefined;
  const done = await pipeline(
    async () => {
      throw new AppError('INVALID_PAYLOAD', 'bad', { retryable: false });
    },
    async () => {
      throw new AppError('KAFKA_UNAVAILABLE', 'down');
    },
    observer,
    (error) => {
      fatal = error;
    },
  )(record);
  assert.equal(done, false);
  assert.equal(events.at(-1), 'finished left');
  assert.equal(fatal?.code, 'KAFKA_UNAVAILABLE');
});

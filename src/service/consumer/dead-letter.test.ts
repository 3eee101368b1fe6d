import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deadLetterHeaders, replayHeaders } from '../contract/headers.ts';
import { AppError } from '../errors.ts';
import { buildDeadLetter, type SourceRecord } from './dead-letter.ts';

const record: SourceRecord = {
  topic: 'dbz.public.outbox_events',
  partition: 2,
  offset: '41',
  timestamp: '1740823200000',
  key: Buffer.from('aggregate-1'),
  value: Buffer.from('{"op":"c"}'),
  headers: { traceparent: Buffer.from('00-abc'), 'dlq-stage': 'notify', multi: ['a', 'b'] },
};
const failedAt = new Date('2025-03-01T10:00:05.000Z');

describe('buildDeadLetter', () => {
  it('keeps key, value and original headers, and adds the failure context', () => {
    const message = buildDeadLetter({ record, stage: 'route', error: new AppError('UNKNOWN_EVENT_TYPE', 'no such type'), attempts: 1, failedAt });
    assert.equal(message.key, record.key);
    assert.equal(message.value, record.value);
    assert.deepEqual(message.headers, {
      traceparent: Buffer.from('00-abc'),
      multi: ['a', 'b'],
      [deadLetterHeaders.stage]: 'route',
      [deadLetterHeaders.errorCode]: 'UNKNOWN_EVENT_TYPE',
      [deadLetterHeaders.errorMessage]: 'no such type',
      [deadLetterHeaders.originalTopic]: 'dbz.public.outbox_events',
      [deadLetterHeaders.originalPartition]: '2',
      [deadLetterHeaders.originalOffset]: '41',
      [deadLetterHeaders.originalTimestamp]: '1740823200000',
      [deadLetterHeaders.attempts]: '1',
      [deadLetterHeaders.failedAt]: '2025-03-01T10:00:05.000Z',
    });
  });

  it('uses one prefix for every header it adds', () => {
    for (const name of Object.values(deadLetterHeaders)) assert.match(name, /^dlq-/);
  });

  it('replaces the context of an earlier dead-lettering instead of duplicating it', () => {
    const message = buildDeadLetter({ record, stage: 'route', error: new AppError('TIMEOUT', 't'), attempts: 5, failedAt });
    assert.equal(message.headers['dlq-stage'], 'route');
    assert.equal(message.headers['dlq-attempts'], '5');
  });

  it('carries the replay headers of a replayed record into its new dead letter, so the replay cap sees its count', () => {
    const replayed = { ...record, headers: { ...record.headers, [replayHeaders.of]: 'dlq:0:7', [replayHeaders.count]: '2', [replayHeaders.at]: 'then' } };
    const message = buildDeadLetter({ record: replayed, stage: 'notify', error: new AppError('TIMEOUT', 't'), attempts: 5, failedAt });
    assert.equal(message.headers[replayHeaders.count], '2');
    assert.equal(message.headers[replayHeaders.of], 'dlq:0:7');
  });

  it('describes foreign errors as INTERNAL and truncates long messages', () => {
    const message = buildDeadLetter({
      record: { ...record, key: null, value: null, headers: undefined },
      stage: 'notify',
      error: new Error('x'.repeat(5_000)),
      attempts: 3,
      failedAt,
    });
    assert.equal(message.headers['dlq-error-code'], 'INTERNAL');
    assert.equal((message.headers['dlq-error-message'] as string).length, 1_000);
    assert.equal(message.key, null);
    assert.equal(message.value, null);
    assert.equal(buildDeadLetter({ record, stage: 'notify', error: 'plain string', attempts: 1, failedAt }).headers['dlq-error-message'], 'plain string');
  });
});

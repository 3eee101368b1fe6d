import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { toKafkaError } from './kafka-errors.ts';

function kafkaError(code: number, message = 'broker said no'): Error {
  return Object.assign(new Error(message), { code });
}

describe('toKafkaError', () => {
  it('treats timeouts, a full queue and transport failures as retryable', () => {
    for (const code of [-192, -184, -195, -187, 7, 6]) {
      const error = toKafkaError(kafkaError(code));
      assert.equal(error.code, 'KAFKA_UNAVAILABLE');
      assert.equal(error.retryable, true);
    }
  });

  it('treats a rejection of the record itself as permanent', () => {
    const error = toKafkaError(kafkaError(10, 'Message size too large'));
    assert.equal(error.code, 'KAFKA_REJECTED');
    assert.equal(error.retryable, false);
    assert.match(error.message, /too large/);
  });

  it('passes an AppError through and copes with anything thrown', () => {
    const original = new AppError('TIMEOUT', 't');
    assert.equal(toKafkaError(original), original);
    assert.equal(toKafkaError('text').code, 'KAFKA_UNAVAILABLE');
    assert.equal(toKafkaError(null).code, 'KAFKA_UNAVAILABLE');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { classifyKafkaError } from './kafka-errors.ts';

function kafkaError(code: number, message = 'broker said no'): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyKafkaError', () => {
  it('treats timeouts, a full queue and transport failures as retryable', () => {
    for (const code of [-192, -184, -195, -187, 7, 6]) {
      const error = classifyKafkaError(kafkaError(code));
      assert.equal(error.code, 'KAFKA_UNAVAILABLE');
      assert.equal(error.retryable, true);
    }
  });

  it('treats a rejection of the record itself as permanent', () => {
    const error = classifyKafkaError(kafkaError(10, 'Message size too large'));
    assert.equal(error.code, 'KAFKA_REJECTED');
    assert.equal(error.retryable, false);
    assert.match(error.message, /too large/);
  });

  it('passes an AppError through and copes with anything thrown', () => {
    const original = new AppError('TIMEOUT', 't');
    assert.equal(classifyKafkaError(original), original);
    assert.equal(classifyKafkaError('text').code, 'KAFKA_UNAVAILABLE');
    assert.equal(classifyKafkaError(null).code, 'KAFKA_UNAVAILABLE');
  });
});

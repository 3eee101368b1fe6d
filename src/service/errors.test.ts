import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, toAppError } from './errors.ts';

test('infrastructure codes are retryable by default, input codes are not', () => {
  assert.equal(new AppError('DATABASE_UNAVAILABLE', 'x').retryable, true);
  assert.equal(new AppError('KAFKA_UNAVAILABLE', 'x').retryable, true);
  assert.equal(new AppError('SENDER_UNAVAILABLE', 'x').retryable, true);
  assert.equal(new AppError('INVALID_PAYLOAD', 'x').retryable, false);
  assert.equal(new AppError('INVALID_PAYLOAD', 'x', { retryable: true }).retryable, true);
});

test('toAppError keeps an AppError and makes anything else a non-retryable INTERNAL', () => {
  const own = new AppError('TIMEOUT', 'slow');
  assert.equal(toAppError(own), own);
  const bug = toAppError(new TypeError('undefined is not a function'));
  assert.deepEqual([bug.code, bug.retryable, bug.message], ['INTERNAL', false, 'undefined is not a function']);
  assert.equal(toAppError('text').message, 'text');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, isDatabaseUnavailable, toDatabaseError } from './errors.ts';

test('infrastructure codes are retryable by default, input codes are not', () => {
  assert.equal(new AppError('DATABASE_UNAVAILABLE', 'x').retryable, true);
  assert.equal(new AppError('KAFKA_UNAVAILABLE', 'x').retryable, true);
  assert.equal(new AppError('INVALID_PAYLOAD', 'x').retryable, false);
  assert.equal(new AppError('INVALID_PAYLOAD', 'x', { retryable: true }).retryable, true);
});

test('connection failures are told apart from query failures', () => {
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), true);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })), true);
  assert.equal(isDatabaseUnavailable(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: '08006' }) })), true);
  assert.equal(isDatabaseUnavailable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])), true);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' })), false);
  assert.equal(toDatabaseError(Object.assign(new Error('syntax'), { code: '42601' })).code, 'INTERNAL');
  assert.equal(toDatabaseError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).retryable, true);
});

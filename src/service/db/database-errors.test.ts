import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../errors.ts';
import { classifyDatabaseError } from './database-errors.ts';

const pgError = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`pg ${code}`), { code, ...extra });

test('connection failures are DATABASE_UNAVAILABLE and retryable', () => {
  for (const error of [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    pgError('57P01'),
    pgError('08006'),
    pgError('53300'),
    new Error('wrapped', { cause: pgError('08001') }),
    new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]),
    new Error('timeout exceeded when trying to connect'),
    new Error('Connection terminated unexpectedly'),
  ]) {
    const classified = classifyDatabaseError(error);
    assert.equal(classified.code, 'DATABASE_UNAVAILABLE', error.message);
    assert.equal(classified.retryable, true);
    assert.equal(classified.cause, error);
  }
});

test('a cancelled statement is a retryable TIMEOUT; conflicts are retryable; other SQLSTATEs are not', () => {
  assert.deepEqual([classifyDatabaseError(pgError('57014')).code, classifyDatabaseError(pgError('57014')).retryable], ['TIMEOUT', true]);
  for (const code of ['40001', '40P01', '55P03']) assert.equal(classifyDatabaseError(pgError(code)).code, 'DATABASE_CONFLICT');
  const syntax = classifyDatabaseError(pgError('42601'));
  assert.deepEqual([syntax.code, syntax.retryable, syntax.details], ['DATABASE_ERROR', false, { sqlState: '42601' }]);
});

test('a unique violation names its constraint, so a caller can answer EMAIL_TAKEN', () => {
  const violation = classifyDatabaseError(pgError('23505', { constraint: 'users_email_lower_key' }));
  assert.equal(violation.code, 'UNIQUE_VIOLATION');
  assert.equal(violation.retryable, false);
  assert.deepEqual(violation.details, { sqlState: '23505', constraint: 'users_email_lower_key' });
});

test('an AppError passes through; what is not a database error at all is INTERNAL', () => {
  const own = new AppError('NOTIFICATION_NOT_FOUND', 'x', { retryable: true });
  assert.equal(classifyDatabaseError(own), own);
  assert.equal(classifyDatabaseError(new TypeError('x is not a function')).code, 'INTERNAL');
  assert.equal(classifyDatabaseError(new TypeError('x is not a function')).retryable, false);
});

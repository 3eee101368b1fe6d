import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../errors.ts';
import { toErrorResponse } from './error-body.ts';

test('client errors keep their code, message and fields', () => {
  const { status, body } = toErrorResponse(new AppError('VALIDATION_FAILED', 'bad', { details: [{ path: 'email', message: 'Invalid email' }] }), 'r1');
  assert.equal(status, 400);
  assert.deepEqual(body, { error: { code: 'VALIDATION_FAILED', message: 'bad', fields: [{ path: 'email', message: 'Invalid email' }] }, requestId: 'r1' });
});

test('unexpected errors become a generic 500 that repeats nothing of the original', () => {
  const { status, body } = toErrorResponse(new AppError('INTERNAL', 'relation "users" does not exist at insert into users'), 'r2');
  assert.equal(status, 500);
  assert.equal(body.error.code, 'INTERNAL');
  assert.doesNotMatch(JSON.stringify(body), /relation|users|insert/);
});

test('each client-facing code has its status', () => {
  const expected = {
    NOT_FOUND: 404,
    EMAIL_TAKEN: 409,
    PAYLOAD_TOO_LARGE: 413,
    UNSUPPORTED_MEDIA_TYPE: 415,
    MALFORMED_JSON: 400,
    DATABASE_UNAVAILABLE: 503,
  } as const;
  for (const [code, status] of Object.entries(expected))
    assert.equal(toErrorResponse(new AppError(code as keyof typeof expected, 'x'), undefined).status, status);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRegistration, requestIdOf } from './early-shed.ts';

test('isRegistration: POST /api/v1/users, with or without a query string, and nothing else', () => {
  assert.equal(isRegistration('POST', '/api/v1/users'), true);
  assert.equal(isRegistration('POST', '/api/v1/users?source=swagger'), true);
  assert.equal(isRegistration('GET', '/api/v1/users'), false);
  assert.equal(isRegistration('POST', '/api/v1/users/0b8f5a8e-3c1e-4c52-9f0e-6f7d3b1f2a10'), false);
  assert.equal(isRegistration('POST', '/api/v1/users/'), false);
  assert.equal(isRegistration(undefined, undefined), false);
});

test("requestIdOf: a client's id is echoed when hono/request-id would accept it, else a fresh one", () => {
  assert.equal(requestIdOf('abc-123_x='), 'abc-123_x=');
  for (const rejected of [undefined, '', 'has space', 'x'.repeat(256), ['a', 'b']]) {
    assert.match(requestIdOf(rejected), /^[0-9a-f-]{36}$/);
  }
});

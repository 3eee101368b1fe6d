import assert from 'node:assert/strict';
import { test } from 'node:test';
import { continueOrStartTrace, isValidTraceparent } from './trace-context.ts';

test('a valid traceparent is kept', () => {
  const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  assert.equal(continueOrStartTrace(incoming), incoming);
});

test('a missing or invalid traceparent starts a new valid trace', () => {
  for (const bad of [
    undefined,
    null,
    '',
    'garbage',
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
  ]) {
    const started = continueOrStartTrace(bad);
    assert.ok(isValidTraceparent(started), started);
    assert.notEqual(started, bad);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '../../service/errors.ts';
import { correlateDeadLetter } from './correlate.ts';
import { deadLetterStop, firstDeadLettered } from './dead-letter-stop.ts';
import type { Sighting } from './topic-watch.ts';

const ours = '3f1c2f9e-5b7a-4d0e-9a51-0c8d2e6b7a10';
const stranger = '9b2d6c1a-0e4f-4a7b-8c3d-1f2e3d4c5b6a';
const seen = (detail?: string): Sighting => ({ arrivalMs: 1, timestampMs: 1, sourceTsMs: null, ...(detail === undefined ? {} : { detail }) });

test('a dead letter says where and why from its headers', () => {
  const correlated = correlateDeadLetter({
    key: ours,
    headers: {
      'dlq-stage': 'notify',
      'dlq-error-code': 'NOTIFICATION_NOT_FOUND',
      'dlq-error-message': 'notification n of user u does not exist',
      'dlq-attempts': '5',
    },
  });
  assert.deepEqual(correlated, { id: ours, detail: 'NOTIFICATION_NOT_FOUND at stage notify after 5 attempt(s): notification n of user u does not exist' });
});

test('only an awaited event on the dead-letter topic stops the wait; a stranger there does not', () => {
  const deadLetters = new Map([[stranger, seen('DATABASE_ERROR at stage notify after 1 attempt(s): x')]]);
  const guard = deadLetterStop([ours], deadLetters);
  assert.doesNotThrow(guard);
  deadLetters.set(ours, seen('NOTIFICATION_NOT_FOUND at stage notify after 5 attempt(s): gone'));
  assert.throws(guard, (error: unknown) => {
    assert.ok(isAppError(error));
    assert.match(error.message, new RegExp(`user ${ours} was dead-lettered \\(NOTIFICATION_NOT_FOUND at stage notify`));
    assert.match(error.message, /cli.ts trace/);
    return true;
  });
});

test('firstDeadLettered names the event, and says so when the dead letter carried no reason', () => {
  assert.equal(firstDeadLettered(new Set([ours]), new Map()), undefined);
  assert.deepEqual(firstDeadLettered(new Set([ours]), new Map([[ours, seen()]])), { id: ours, detail: 'no reason recorded' });
});

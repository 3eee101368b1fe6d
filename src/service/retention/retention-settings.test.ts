import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config.ts';
import { inboxRetentionMs } from './retention-settings.ts';

const day = 86_400_000;

test('the inbox window outlasts every way an event comes back, plus a day', () => {
  assert.equal(inboxRetentionMs(loadConfig({})), 8 * day);
  assert.equal(inboxRetentionMs(loadConfig({ TOPIC_RETENTION: '14d' })), 15 * day);
  // A re-snapshot publishes every outbox row still there: a longer outbox retention widens the window.
  assert.equal(inboxRetentionMs(loadConfig({ OUTBOX_RETENTION: '30d' })), 31 * day);
  assert.equal(inboxRetentionMs(loadConfig({ INBOX_RETENTION: '10d' })), 10 * day);
});

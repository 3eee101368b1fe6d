import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config.ts';
import { inboxRetentionMs, outlivesInbox } from './retention-settings.ts';

const day = 86_400_000;

test('the inbox window outlasts every way an event comes back, plus a day', () => {
  assert.equal(inboxRetentionMs(loadConfig({})), 8 * day);
  assert.equal(inboxRetentionMs(loadConfig({ TOPIC_RETENTION: '14d' })), 15 * day);
  // A re-snapshot publishes every outbox row still there: a longer outbox retention widens the window.
  assert.equal(inboxRetentionMs(loadConfig({ OUTBOX_RETENTION: '30d' })), 31 * day);
  assert.equal(inboxRetentionMs(loadConfig({ INBOX_RETENTION: '10d' })), 10 * day);
});

test('outlivesInbox: only an event older than the window may have lost its inbox row', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  const window = 8 * 86_400_000;
  assert.equal(outlivesInbox('2026-11-20T11:59:59Z', window, now), true);
  assert.equal(outlivesInbox('2026-11-20T12:00:00Z', window, now), false);
  assert.equal(outlivesInbox('2026-11-28T11:00:00Z', window, now), false);
  assert.equal(outlivesInbox('not a time', window, now), false);
});

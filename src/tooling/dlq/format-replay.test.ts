import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../service/errors.ts';
import { decodeDeadLetter } from './dead-letter-entry.ts';
import { notifyDeadLetter, stageSettings } from './dlq-fixtures.ts';
import { formatReplaySummary, replayExitCode } from './format-replay.ts';
import type { ReplayDecision } from './replay-plan.ts';

const entry = decodeDeadLetter(notifyDeadLetter(), stageSettings);
const replay: ReplayDecision = { action: 'replay', entry, topic: 'notif.user.registration', count: 1 };
const already: ReplayDecision = { action: 'skip', entry, fine: true, reason: 'already replayed' };
const capped: ReplayDecision = { action: 'skip', entry, fine: false, reason: 'cap' };
const done = { replayed: 1, failed: undefined, stopped: false };

describe('replay exit code and summary', () => {
  it('exits 0 when everything selected is replayed, now or before', () => {
    assert.equal(replayExitCode([replay, already], done), 0);
    assert.equal(replayExitCode([already], undefined), 0, 'a dry run');
    assert.equal(formatReplaySummary([replay, already], done), 'replayed 1 of 2 selected; 1 already replayed');
  });

  it('exits 1 when one was refused, a send failed, or the run was interrupted', () => {
    assert.equal(replayExitCode([replay, capped], done), 1);
    const failed = { replayed: 0, failed: { ref: 'dlq:1:7', error: new AppError('KAFKA_UNAVAILABLE', 'down') }, stopped: false };
    assert.equal(replayExitCode([replay], failed), 1);
    assert.match(formatReplaySummary([replay], failed), /stopped at dlq:1:7: \[KAFKA_UNAVAILABLE\] down; run it again once fixed/);
    assert.equal(replayExitCode([replay], { replayed: 0, failed: undefined, stopped: true }), 1);
  });
});

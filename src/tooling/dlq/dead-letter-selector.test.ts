import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDeadLetter } from './dead-letter-entry.ts';
import { isEmptySelector, parseDeadLetterRef, parseSince, refersTo, selects, summarizeByCode } from './dead-letter-selector.ts';
import { notifyDeadLetter, routeDeadLetter, stageSettings } from './dlq-fixtures.ts';

const notify = decodeDeadLetter(notifyDeadLetter(), stageSettings);
const route = decodeDeadLetter(routeDeadLetter('0b0b0b0b-2222-4a4a-8b8b-000000000002'), stageSettings);

describe('dead-letter selectors', () => {
  it('an empty selector selects everything and says it is empty', () => {
    assert.ok(isEmptySelector({ codes: [] }));
    assert.ok(selects({}, notify) && selects({}, route));
  });

  it('filters by code, stage (label or stage name), key, event id (any case) and time', () => {
    assert.deepEqual(
      [notify, route].filter((e) => selects({ codes: ['NOTIFICATION_NOT_FOUND'] }, e)),
      [notify],
    );
    assert.deepEqual(
      [notify, route].filter((e) => selects({ stages: ['router'] }, e)),
      [route],
    );
    assert.deepEqual(
      [notify, route].filter((e) => selects({ stages: ['notify'] }, e)),
      [notify],
    );
    assert.deepEqual(
      [notify, route].filter((e) => selects({ keys: ['user-2'] }, e)),
      [route],
    );
    assert.deepEqual(
      [notify, route].filter((e) => selects({ keys: ['agg-2'] }, e)),
      [route],
      'a CDC record is found by its aggregate id too',
    );
    assert.deepEqual(
      [notify, route].filter((e) => selects({ eventIds: ['6F1C2B1E-1111-4A4A-8B8B-000000000001'] }, e)),
      [notify],
    );
    assert.deepEqual(
      [notify, route].filter((e) => selects({ sinceMs: Date.parse('2026-01-31T22:30:00Z') }, e)),
      [route],
    );
    assert.ok(!selects({ codes: ['NOTIFICATION_NOT_FOUND'], stages: ['route'] }, notify), 'every criterion must hold');
  });

  it('parses --since as a duration back from now or an ISO time, and names the expected forms otherwise', () => {
    const now = Date.parse('2026-02-01T00:00:00Z');
    assert.equal(parseSince('15m', now), now - 15 * 60_000);
    assert.equal(parseSince('2d', now), now - 2 * 86_400_000);
    assert.equal(parseSince('2026-01-31T22:00:00Z', now), Date.parse('2026-01-31T22:00:00Z'));
    assert.throws(() => parseSince('yesterday', now), /duration \(90s, 15m, 2h, 7d\) or an ISO-8601 time/);
  });

  it('parses a dead letter reference: event id or partition:offset', () => {
    assert.deepEqual(parseDeadLetterRef('1:7'), { kind: 'position', partition: 1, offset: 7 });
    const ref = parseDeadLetterRef('6F1C2B1E-1111-4A4A-8B8B-000000000001');
    assert.ok(refersTo(ref, notify) && !refersTo(ref, route));
    assert.ok(refersTo(parseDeadLetterRef('0:3'), route));
    assert.throws(() => parseDeadLetterRef('7'), /event id \(a UUID\) or a dead letter's partition:offset/);
  });

  it('summarizes by code, most frequent first', () => {
    assert.deepEqual(summarizeByCode([notify, route, notify]), [
      { code: 'NOTIFICATION_NOT_FOUND', count: 2, stages: ['notify'] },
      { code: 'INVALID_PAYLOAD', count: 1, stages: ['route'] },
    ]);
  });
});

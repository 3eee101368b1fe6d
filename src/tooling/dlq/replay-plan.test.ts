import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeDeadLetter, originsResolved } from './dead-letter-entry.ts';
import { notifyDeadLetter, routeDeadLetter, stageSettings } from './dlq-fixtures.ts';
import { buildReplayMessage, planReplay } from './replay-plan.ts';

const options = { again: false, maxReplays: 3 };

describe('planReplay', () => {
  it('replays each key in its original order, whatever order the dead letters were selected in', () => {
    const later = decodeDeadLetter(notifyDeadLetter({ offset: 8, originalOffset: 45 }), stageSettings);
    const earlier = decodeDeadLetter(notifyDeadLetter({ offset: 9, originalOffset: 41 }), stageSettings);
    const route = decodeDeadLetter(routeDeadLetter('0b0b0b0b-2222-4a4a-8b8b-000000000002'), stageSettings);
    const plan = planReplay([later, route, earlier], new Map(), options);
    assert.deepEqual(
      plan.map((d) => [d.action, d.entry.at.offset]),
      [
        ['replay', 9],
        ['replay', 3],
        ['replay', 8],
      ],
    );
    assert.deepEqual(
      plan.map((d) => (d.action === 'replay' ? d.topic : '')),
      ['notif.user.registration', 'dbz.public.outbox_events', 'notif.user.registration'],
    );
  });

  it('keeps an event whose replay failed again in its first place among its key, ahead of a later event dead-lettered meanwhile', () => {
    // E1 read at 40, dead-lettered at 7, replayed (the replay read at 50) and dead-lettered again at 9; E2 read at 45, dead-lettered at 8.
    const e1 = notifyDeadLetter({ offset: 7, originalOffset: 40, eventId: '00000000-0000-4000-8000-000000000001' });
    const e2 = notifyDeadLetter({ offset: 8, originalOffset: 45, eventId: '00000000-0000-4000-8000-000000000002' });
    const e1Again = notifyDeadLetter({
      offset: 9,
      originalOffset: 50,
      eventId: '00000000-0000-4000-8000-000000000001',
      headers: { 'replay-of': 'eventdriven-examples.dlq:1:7', 'replay-count': '1' },
    });
    const all = originsResolved([e1, e2, e1Again].map((record) => decodeDeadLetter(record, stageSettings)));
    assert.deepEqual(all[2]?.firstOriginal, all[0]?.original);
    const plan = planReplay([all[1]!, all[2]!], new Map(), options);
    assert.deepEqual(
      plan.map((d) => d.entry.eventId?.slice(-1)),
      ['1', '2'],
    );
  });

  it('skips what was already replayed unless --again, and counts replays across runs and re-dead-letterings', () => {
    const entry = decodeDeadLetter(notifyDeadLetter(), stageSettings);
    const past = new Map([['eventdriven-examples.dlq:1:7', [{ replayCount: 1, replayedAt: new Date('2026-02-01T00:00:00Z') }]]]);
    const [skipped] = planReplay([entry], past, options);
    assert.equal(skipped?.action, 'skip');
    assert.ok(skipped?.action === 'skip' && skipped.fine && /already replayed at 2026-02-01T00:00:00.000Z/.test(skipped.reason));
    const [again] = planReplay([entry], past, { ...options, again: true });
    assert.ok(again?.action === 'replay' && again.count === 2);
    const failedTwice = decodeDeadLetter(notifyDeadLetter({ headers: { 'replay-count': '2' } }), stageSettings);
    const [third] = planReplay([failedTwice], new Map(), options);
    assert.ok(third?.action === 'replay' && third.count === 3);
  });

  it('stops at the cap, and refuses a dead letter of an unknown stage; neither is a fine skip', () => {
    const looping = decodeDeadLetter(notifyDeadLetter({ headers: { 'replay-count': '3' } }), stageSettings);
    const [capped] = planReplay([looping], new Map(), options);
    assert.ok(capped?.action === 'skip' && !capped.fine && /--max-replays 3/.test(capped.reason));
    const stray = decodeDeadLetter(notifyDeadLetter({ headers: { 'dlq-stage': 'archive' } }), stageSettings);
    const [refused] = planReplay([stray], new Map(), options);
    assert.ok(refused?.action === 'skip' && !refused.fine && /not a stage of this pipeline/.test(refused.reason));
  });
});

describe('buildReplayMessage', () => {
  it('is the original key, value and headers plus which dead letter, when and how many times; no dlq- context, no stale replay headers', () => {
    const entry = decodeDeadLetter(notifyDeadLetter({ headers: { 'replay-count': '1', 'replay-of': 'old', 'replay-at': 'then' } }), stageSettings);
    const message = buildReplayMessage(entry, 2, new Date('2026-02-01T01:00:00Z'));
    assert.equal(message.key, 'user-1');
    assert.equal(message.value, '{"userId":"u"}');
    assert.deepEqual(message.headers, {
      'event-id': '6f1c2b1e-1111-4a4a-8b8b-000000000001',
      'event-type': 'UserRegistered',
      traceparent: '00-abc-def-01',
      'replay-of': 'eventdriven-examples.dlq:1:7',
      'replay-at': '2026-02-01T01:00:00.000Z',
      'replay-count': '2',
    });
  });
});

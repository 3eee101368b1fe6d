import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AuditFacts, auditEvent, auditOrder, auditReport } from './audit-verdict.ts';

const now = Date.parse('2026-02-01T12:00:00Z');
const options = { nowMs: now, graceMs: 60_000 };
const seen = (offset: number, replay = false) => ({ partition: 0, offset, replay });

function event(overrides: Partial<AuditFacts> = {}): AuditFacts {
  return {
    eventId: 'e1',
    eventType: 'UserRegistered',
    aggregateId: 'k1',
    createdAtMs: now - 600_000,
    cdc: [seen(10)],
    routed: [seen(20)],
    deadLetters: [],
    handled: true,
    notificationStatus: 'SENT',
    ...overrides,
  };
}

describe('auditEvent', () => {
  it('finds nothing wrong with an event seen once at every hop', () => {
    assert.deepEqual(auditEvent(event(), options), []);
  });

  it('follows an event the notifier does not act on up to its routed topic only', () => {
    const changed = { eventType: 'UserEmailChanged', handled: false, notificationStatus: undefined };
    assert.deepEqual(auditEvent(event(changed), options), []);
    const dead = [{ stage: 'project', code: 'INVALID_PAYLOAD', ref: 'dlq:0@1' }];
    assert.deepEqual(
      auditEvent(event({ ...changed, deadLetters: dead }), options).map((f) => [f.kind, f.hop, f.failing]),
      [['dead-lettered', 'handled', true]],
    );
    assert.deepEqual(
      auditEvent(event({ ...changed, deadLetters: dead, routed: [seen(20), seen(30, true)] }), options).map((f) => [f.kind, f.failing]),
      [
        ['dead-lettered', false],
        ['duplicate', false],
      ],
    );
  });

  it('reports the first hop an old event never reached as missing (failing), a young one as in flight (not failing)', () => {
    assert.deepEqual(
      auditEvent(event({ cdc: [], routed: [], handled: false }), options).map((f) => [f.kind, f.hop, f.failing]),
      [['missing', 'cdc', true]],
    );
    assert.deepEqual(
      auditEvent(event({ routed: [], handled: false, createdAtMs: now - 5_000 }), options).map((f) => [f.kind, f.hop, f.failing]),
      [['in-flight', 'routed', false]],
    );
    assert.deepEqual(
      auditEvent(event({ handled: false }), options).map((f) => [f.kind, f.hop, f.failing]),
      [['missing', 'handled', true]],
    );
  });

  it('reports a handled event whose notification is not SENT (or gone) as missing at the sent hop', () => {
    assert.deepEqual(
      auditEvent(event({ notificationStatus: 'PENDING' }), options).map((f) => [f.kind, f.hop, f.failing]),
      [['missing', 'sent', true]],
    );
    assert.match(auditEvent(event({ notificationStatus: 'absent' }), options)[0]!.detail, /its notification is absent/);
    assert.deepEqual(auditEvent(event({ notificationStatus: undefined }), options), [], 'an event naming no notification');
  });

  it('reports a dead letter where it stopped the event (failing), and one a replay resolved (not failing)', () => {
    const dead = [{ stage: 'notify', code: 'NOTIFICATION_NOT_FOUND', ref: 'dlq:0:1' }];
    const stuck = auditEvent(event({ handled: false, deadLetters: dead }), options);
    assert.deepEqual(
      stuck.map((f) => [f.kind, f.hop, f.failing]),
      [['dead-lettered', 'handled', true]],
    );
    assert.match(stuck[0]!.detail, /NOTIFICATION_NOT_FOUND \(dlq:0:1\)/);
    const routeDead = auditEvent(event({ routed: [], handled: false, deadLetters: [{ stage: 'route', code: 'INVALID_PAYLOAD', ref: 'dlq:1:2' }] }), options);
    assert.deepEqual(
      routeDead.map((f) => [f.kind, f.hop, f.failing]),
      [['dead-lettered', 'routed', true]],
    );
    const resolved = auditEvent(event({ routed: [seen(20), seen(25, true)], deadLetters: dead }), options);
    assert.deepEqual(
      resolved.map((f) => [f.kind, f.hop, f.failing]),
      [
        ['dead-lettered', 'handled', false],
        ['duplicate', 'routed', false],
      ],
    );
    assert.match(resolved[1]!.detail, /2 records \(1 of them replays\).*effect applied once/);
  });
});

describe('auditOrder', () => {
  it('flags a key whose routed records do not follow its CDC order, ignoring replays', () => {
    const a = event({ eventId: 'a', cdc: [seen(1)], routed: [seen(11)] });
    const b = event({ eventId: 'b', cdc: [seen(2)], routed: [seen(10)] });
    const c = event({ eventId: 'c', aggregateId: 'k2', cdc: [seen(3)], routed: [seen(5)] });
    const findings = auditOrder([a, b, c]);
    assert.deepEqual(
      findings.map((f) => [f.eventId, f.kind, f.hop, f.failing]),
      [['b', 'out-of-order', 'routed', true]],
    );
    const replayedLater = event({ eventId: 'b', cdc: [seen(2)], routed: [seen(12), seen(9, true)] });
    assert.deepEqual(auditOrder([a, replayedLater]), []);
  });
});

describe('auditReport', () => {
  it('is ok with duplicates and in-flight events, not with a missing one, and counts clean events', () => {
    const clean = auditReport([event(), event({ eventId: 'e2', cdc: [seen(1), seen(2)] })], { ...options, sinceMs: now - 3_600_000 });
    assert.equal(clean.ok, true);
    assert.equal(clean.clean, 1);
    assert.equal(clean.counts.duplicate, 1);
    const gap = auditReport([event(), event({ eventId: 'e3', cdc: [], routed: [], handled: false })], { ...options, sinceMs: now - 3_600_000 });
    assert.equal(gap.ok, false);
    assert.deepEqual(
      gap.findings.map((f) => [f.eventId, f.kind, f.hop]),
      [['e3', 'missing', 'cdc']],
    );
  });
});

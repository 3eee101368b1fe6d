import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TraceFacts, traceVerdict } from './trace-verdict.ts';

const t = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const base: TraceFacts = {
  event: { id: 'e', aggregateId: 'u', eventType: 'UserRegistered', createdAt: t(0), traceId: null },
  cdc: null,
  routed: null,
  deadLetter: null,
  inbox: null,
  notification: { id: 'n', status: 'PENDING', sentAt: null },
};

test('delivered: per-hop latencies from the commit time Debezium reports', () => {
  const report = traceVerdict({
    ...base,
    cdc: { partition: 0, offset: 1, timestamp: t(40), committedAt: t(5) },
    routed: { topic: 'notif', partition: 1, offset: 2, timestamp: t(60) },
    inbox: { processedAt: t(70) },
    notification: { id: 'n', status: 'SENT', sentAt: t(75) },
  });
  assert.equal(report.verdict, 'delivered');
  assert.deepEqual(
    report.hops.map((h) => h.ms),
    [35, 20, 15],
  );
  assert.equal(report.totalMs, 70);
});

test('dead-lettered names the stage and the error', () => {
  const report = traceVerdict({
    ...base,
    cdc: { partition: 0, offset: 1, timestamp: t(40), committedAt: null },
    deadLetter: { stage: 'route', errorCode: 'INVALID_PAYLOAD', errorMessage: 'bad email', failedAt: 'x', partition: 0, offset: 9 },
  });
  assert.equal(report.verdict, 'dead-lettered');
  assert.match(report.reason, /route stage: INVALID_PAYLOAD: bad email/);
  assert.equal(report.hops[0]!.ms, 40);
});

test('in flight when captured or routed but not delivered', () => {
  assert.equal(traceVerdict({ ...base, cdc: { partition: 0, offset: 1, timestamp: t(1), committedAt: null } }).verdict, 'in flight');
  assert.match(traceVerdict({ ...base, routed: { topic: 'n', partition: 0, offset: 0, timestamp: t(2) } }).reason, /notification handler/);
});

test('not yet captured reports the connector and the slot', () => {
  const report = traceVerdict({ ...base, capture: { connectorState: 'PAUSED', taskStates: ['PAUSED'], slotActive: false, slotRetainedBytes: 4096 } });
  assert.equal(report.verdict, 'not yet captured');
  assert.match(report.reason, /connector PAUSED, task PAUSED; slot INACTIVE, 4096 bytes/);
  assert.deepEqual(
    report.hops.map((h) => h.ms),
    [null, null, null],
  );
});

test('a delivery wins over an older dead letter of the same event', () => {
  const report = traceVerdict({
    ...base,
    deadLetter: { stage: 'notify', errorCode: 'DATABASE_UNAVAILABLE', errorMessage: 'x', failedAt: 'x', partition: 0, offset: 0 },
    inbox: { processedAt: t(9) },
    notification: { id: 'n', status: 'SENT', sentAt: t(9) },
  });
  assert.equal(report.verdict, 'delivered');
});

test('an event no notification follows is delivered once routed, unless a reader dead-lettered it', () => {
  const changed: TraceFacts = {
    ...base,
    event: { ...base.event, eventType: 'UserEmailChanged' },
    notification: null,
    cdc: { partition: 0, offset: 1, timestamp: t(40), committedAt: t(5) },
    routed: { topic: 'notif', partition: 1, offset: 2, timestamp: t(60) },
  };
  const report = traceVerdict(changed);
  assert.equal(report.verdict, 'delivered');
  assert.equal(report.totalMs, 55);
  const dead = { stage: 'project', errorCode: 'INVALID_PAYLOAD', errorMessage: 'x', failedAt: '', partition: 0, offset: 0 };
  assert.equal(traceVerdict({ ...changed, deadLetter: dead }).verdict, 'dead-lettered');
});

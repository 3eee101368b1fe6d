import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateStatus, formatStatus, type PipelineSnapshot } from './pipeline-status.ts';

const healthy: PipelineSnapshot = {
  database: { reachable: true },
  connector: { name: 'outbox-connector', state: 'RUNNING', tasks: [{ id: 0, state: 'RUNNING' }] },
  slot: { name: 'outbox_slot', active: true, retainedBytes: 1_024 },
  otherSlots: [],
  groups: [{ groupId: 'outbox-router', topic: 'dbz.public.outbox_events', partitions: [{ partition: 0, committed: 10, high: 10, lag: 0 }] }],
  deadLetter: { topic: 'dlq', depth: 0 },
};
const limits = { maxSlotLagBytes: 1_000_000 };

test('a running pipeline is healthy', () => {
  assert.deepEqual(evaluateStatus(healthy, limits), { healthy: true, problems: [], warnings: [] });
  assert.match(formatStatus(healthy, evaluateStatus(healthy, limits)), /HEALTHY/);
});

test('a stopped connector, a failed task or an inactive slot is unhealthy', () => {
  const stopped = evaluateStatus({ ...healthy, connector: { name: 'c', state: 'STOPPED', tasks: [] } }, limits);
  assert.equal(stopped.healthy, false);
  assert.deepEqual(stopped.problems, ['connector c is STOPPED', 'connector c has no task']);
  const failed = evaluateStatus(
    { ...healthy, connector: { name: 'c', state: 'RUNNING', tasks: [{ id: 0, state: 'FAILED', trace: 'org.postgresql.util.PSQLException: boom\n\tat x' }] } },
    limits,
  );
  assert.deepEqual(failed.problems, ['connector task 0 is FAILED: org.postgresql.util.PSQLException: boom']);
  assert.equal(evaluateStatus({ ...healthy, slot: { name: 's', active: false, retainedBytes: 0 } }, limits).healthy, false);
  assert.equal(evaluateStatus({ ...healthy, slot: { name: 's', active: true, retainedBytes: 2_000_000 } }, limits).healthy, false);
  assert.equal(evaluateStatus({ ...healthy, connector: { name: 'c', error: 'Kafka Connect is unreachable' } }, limits).healthy, false);
});

test('lag and dead letters are warnings, not failures', () => {
  const verdict = evaluateStatus(
    {
      ...healthy,
      groups: [{ groupId: 'g', topic: 't', partitions: [{ partition: 0, committed: 1, high: 5, lag: 4 }] }],
      deadLetter: { topic: 'dlq', depth: 2 },
    },
    limits,
  );
  assert.equal(verdict.healthy, true);
  assert.equal(verdict.warnings.length, 2);
  assert.match(verdict.warnings[0]!, /4 record\(s\) behind/);
});

test("an inactive slot other than the connector's is a warning naming how to drop it", () => {
  const verdict = evaluateStatus({ ...healthy, otherSlots: [{ name: 'outbox_first_ab12', active: false, retainedBytes: 51_000_000 }] }, limits);
  assert.equal(verdict.healthy, true);
  assert.equal(verdict.warnings.length, 1);
  assert.match(verdict.warnings[0]!, /outbox_first_ab12 is inactive and holds 51000000 bytes/);
  assert.match(verdict.warnings[0]!, /pg_drop_replication_slot\('outbox_first_ab12'\)/);
  assert.deepEqual(evaluateStatus({ ...healthy, otherSlots: [{ name: 'busy', active: true, retainedBytes: 0 }] }, limits).warnings, []);
});

test('a slot whose WAL is extended, unreserved or lost is unhealthy, and the status line says so', () => {
  const slot = { name: 's', active: true, retainedBytes: 10 };
  assert.equal(evaluateStatus({ ...healthy, slot: { ...slot, walStatus: 'reserved', safeWalBytes: 5_000 } }, limits).healthy, true);
  for (const walStatus of ['extended', 'unreserved', 'lost']) {
    const verdict = evaluateStatus({ ...healthy, slot: { ...slot, walStatus, safeWalBytes: 0 } }, limits);
    assert.equal(verdict.healthy, false, walStatus);
    assert.match(verdict.problems[0]!, new RegExp(`replication slot s is ${walStatus}`));
  }
  assert.match(
    evaluateStatus({ ...healthy, slot: { ...slot, walStatus: 'lost', safeWalBytes: null } }, limits).problems[0]!,
    /pg_drop_replication_slot\('s'\)/,
  );
  const line = formatStatus({ ...healthy, slot: { ...slot, walStatus: 'reserved', safeWalBytes: 1_024 } }, evaluateStatus(healthy, limits));
  assert.match(line, /wal_status reserved, safe_wal_size 1024/);
  assert.match(
    formatStatus({ ...healthy, slot: { ...slot, walStatus: 'reserved', safeWalBytes: null } }, evaluateStatus(healthy, limits)),
    /safe_wal_size unlimited/,
  );
});

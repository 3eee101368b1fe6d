import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OffsetTracker } from './offset-tracker.ts';

describe('OffsetTracker', () => {
  it('commits nothing until the first record is acknowledged', () => {
    const tracker = new OffsetTracker();
    tracker.track('t', 0, '0');
    const second = tracker.track('t', 0, '1');
    second.ack();
    assert.deepEqual(tracker.committable(), []);
    assert.equal(tracker.pending(), 1);
  });

  it('commits only the contiguous acknowledged prefix, per partition', () => {
    const tracker = new OffsetTracker();
    const p0 = ['10', '11', '12', '13'].map((offset) => tracker.track('t', 0, offset));
    const p1 = ['5', '6'].map((offset) => tracker.track('t', 1, offset));
    p0[0]!.ack();
    p0[2]!.ack();
    p0[3]!.ack();
    p1[1]!.ack();
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: '11' }]);
    p0[1]!.ack();
    p1[0]!.ack();
    assert.deepEqual(tracker.committable(), [
      { topic: 't', partition: 0, offset: '14' },
      { topic: 't', partition: 1, offset: '7' },
    ]);
    assert.equal(tracker.pending(), 0);
  });

  it('follows consumption order across gaps in offset numbers (compaction, transaction markers)', () => {
    const tracker = new OffsetTracker();
    const a = tracker.track('t', 0, '3');
    const b = tracker.track('t', 0, '9');
    b.ack();
    a.ack();
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: '10' }]);
  });

  it('reports only partitions that moved since the last commit', () => {
    const tracker = new OffsetTracker();
    tracker.track('t', 0, '0').ack();
    tracker.track('u', 0, '0').ack();
    const first = tracker.committable();
    assert.equal(first.length, 2);
    tracker.markCommitted(first);
    assert.deepEqual(tracker.committable(), []);
    tracker.track('t', 0, '1').ack();
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: '2' }]);
  });

  it('ignores acknowledgements for a forgotten (revoked) partition', () => {
    const tracker = new OffsetTracker();
    const stale = tracker.track('t', 0, '0');
    tracker.forget('t', 0);
    stale.ack();
    assert.deepEqual(tracker.committable(), []);
  });

  it('starts a partition afresh when an offset is read again, ignoring the old receipts', () => {
    const tracker = new OffsetTracker();
    const old = tracker.track('t', 0, '5');
    tracker.track('t', 0, '6');
    const again = tracker.track('t', 0, '5');
    old.ack();
    assert.deepEqual(tracker.committable(), []);
    again.ack();
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: '6' }]);
  });

  it('acknowledging twice is harmless', () => {
    const tracker = new OffsetTracker();
    const a = tracker.track('t', 0, '0');
    tracker.track('t', 0, '1');
    a.ack();
    a.ack();
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: '1' }]);
    assert.equal(tracker.pending(), 1);
  });

  it('stays correct over many out-of-order acknowledgements (compaction path)', () => {
    const tracker = new OffsetTracker();
    const receipts = Array.from({ length: 5_000 }, (_, i) => tracker.track('t', 0, String(i)));
    const order = receipts.map((_, i) => i).sort((a, b) => ((a * 7_919) % 5_003) - ((b * 7_919) % 5_003));
    const blocker = 4_000;
    for (const i of order) if (i !== blocker) receipts[i]!.ack();
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: String(blocker) }]);
    receipts[blocker]!.ack();
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: '5000' }]);
    tracker.track('t', 0, '5000').ack();
    assert.deepEqual(tracker.committable(), [{ topic: 't', partition: 0, offset: '5001' }]);
  });

  it('refuses something that is not an offset', () => {
    const tracker = new OffsetTracker();
    assert.throws(() => tracker.track('t', 0, 'abc'), RangeError);
    assert.throws(() => tracker.track('t', 0, '-1'), RangeError);
  });
});

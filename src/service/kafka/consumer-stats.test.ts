import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignedLags, lagSample, parseConsumerStats } from './consumer-stats.ts';

// The shape librdkafka emits (STATISTICS.md), trimmed to the fields read and a few neighbours.
const partition = (fields: Record<string, number | string | boolean>) => ({
  broker: 1,
  desired: true,
  fetch_state: 'active',
  committed_offset: -1001,
  next_offset: -1001,
  lo_offset: -1,
  hi_offset: -1,
  ls_offset: -1,
  consumer_lag: -1,
  ...fields,
});
const stats = ({ down = [] as number[] } = {}) =>
  JSON.stringify({
    name: 'outbox-demo#consumer-1',
    type: 'consumer',
    brokers: {
      '127.0.0.1:9092/bootstrap': { name: '127.0.0.1:9092/bootstrap', nodeid: -1, state: 'UP' },
      GroupCoordinator: { name: 'GroupCoordinator', nodeid: -1, state: 'UP' },
      ...Object.fromEntries(
        [1, 2, 3].map((id) => [`127.0.0.1:909${id}/${id}`, { name: `127.0.0.1:909${id}/${id}`, nodeid: id, state: down.includes(id) ? 'DOWN' : 'UP' }]),
      ),
    },
    topics: {
      events: {
        topic: 'events',
        partitions: {
          '0': partition({ partition: 0, leader: 1, committed_offset: 90, next_offset: 100, lo_offset: 0, hi_offset: 100, consumer_lag: 10 }),
          '1': partition({ partition: 1, leader: 2, committed_offset: 50, next_offset: 50, lo_offset: 0, hi_offset: 50, consumer_lag: 0 }),
          // Never committed by the group: every record fetched and in hand still counts.
          '2': partition({ partition: 2, leader: 3, next_offset: 12, lo_offset: 4, hi_offset: 12 }),
          // No high watermark yet (no fetch answered): unknown, left out.
          '3': partition({ partition: 3, leader: 1 }),
          '-1': partition({ partition: -1, leader: -1 }),
        },
      },
    },
  });
const all = [
  { topic: 'events', partition: 0 },
  { topic: 'events', partition: 1 },
  { topic: 'events', partition: 2 },
  { topic: 'events', partition: 3 },
];

describe('parseConsumerStats', () => {
  it('reads the committed offset, log start and log end of each partition whose high watermark is known', () => {
    assert.deepEqual(parseConsumerStats(stats()), [
      { topic: 'events', partition: 0, committed: 90, low: 0, high: 100 },
      { topic: 'events', partition: 1, committed: 50, low: 0, high: 50 },
      { topic: 'events', partition: 2, committed: null, low: 4, high: 12 },
    ]);
  });

  it('leaves out a partition whose leader is down: its figures are frozen from before the outage', () => {
    assert.deepEqual(
      parseConsumerStats(stats({ down: [1] })).map((p) => p.partition),
      [1, 2],
    );
  });
});

describe('assignedLags', () => {
  const known = parseConsumerStats(stats());

  it('is the log end minus the committed offset, else minus the log start, on the partitions assigned here', () => {
    assert.deepEqual(assignedLags(known, [...all, { topic: 'other', partition: 1 }]), [
      { partition: 0, committed: 90, high: 100, lag: 10 },
      { partition: 1, committed: 50, high: 50, lag: 0 },
      { partition: 2, committed: null, high: 12, lag: 8 },
    ]);
    assert.deepEqual(
      assignedLags(known, [{ topic: 'events', partition: 1 }]).map((p) => p.partition),
      [1],
    );
  });

  it("uses the caller's own position when the client knows no commit, never over a known commit", () => {
    const positions = new Map([
      [0, 95],
      [2, 12],
    ]);
    assert.deepEqual(
      assignedLags(known, all, positions).map((p) => p.lag),
      [10, 0, 0],
    );
  });
});

describe('lagSample', () => {
  it('sums the known lag; no sample when partitions are assigned but none is measurable; 0 with nothing assigned', () => {
    assert.equal(lagSample(4, assignedLags(parseConsumerStats(stats()), all)), 18);
    assert.equal(lagSample(2, assignedLags(parseConsumerStats(stats({ down: [1, 2, 3] })), all)), undefined);
    assert.equal(lagSample(0, []), 0);
  });
});

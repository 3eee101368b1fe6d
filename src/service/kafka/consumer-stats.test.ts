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
          // Never committed by the group, fetch position known: the records not fetched yet.
          '2': partition({ partition: 2, leader: 3, next_offset: 7, lo_offset: 0, hi_offset: 12 }),
          // No high watermark yet (no fetch answered): unknown, left out.
          '3': partition({ partition: 3, leader: 1 }),
          '-1': partition({ partition: -1, leader: -1 }),
        },
      },
    },
  });

describe('parseConsumerStats', () => {
  it("reads each partition's lag: librdkafka's consumer_lag, else the log end minus the fetch position", () => {
    assert.deepEqual(parseConsumerStats(stats()), [
      { topic: 'events', partition: 0, committed: 90, high: 100, lag: 10 },
      { topic: 'events', partition: 1, committed: 50, high: 50, lag: 0 },
      { topic: 'events', partition: 2, committed: null, high: 12, lag: 5 },
    ]);
  });

  it('leaves out a partition whose leader is down: its figures are frozen from before the outage', () => {
    assert.deepEqual(
      parseConsumerStats(stats({ down: [1] })).map((p) => p.partition),
      [1, 2],
    );
  });
});

describe('assignedLags and lagSample', () => {
  const all = parseConsumerStats(stats());

  it('keeps the partitions assigned here and sums their lag', () => {
    const mine = assignedLags(all, [
      { topic: 'events', partition: 0 },
      { topic: 'events', partition: 2 },
      { topic: 'other', partition: 1 },
    ]);
    assert.deepEqual(
      mine.map((p) => p.partition),
      [0, 2],
    );
    assert.equal(lagSample(3, mine), 15);
  });

  it('is no sample when partitions are assigned but none is measurable, and 0 with nothing assigned', () => {
    const down = parseConsumerStats(stats({ down: [1, 2, 3] }));
    assert.equal(lagSample(2, assignedLags(down, [{ topic: 'events', partition: 0 }])), undefined);
    assert.equal(lagSample(0, []), 0);
  });
});

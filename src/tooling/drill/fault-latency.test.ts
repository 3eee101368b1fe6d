import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultLatency } from './fault-latency.ts';

const window = { struckAt: 10_000, recoveredAt: 20_000 };

test('a registration committed before the fault but SENT after it struck counts, with its whole wait', () => {
  const latency = faultLatency([{ committedAt: 9_500, sentAt: 18_000 }], window);
  assert.deepEqual(latency, { inFlight: 1, longestMs: 8_500, unsent: 0 });
});

test('registrations SENT before the fault, or committed after the recovery, did not meet it', () => {
  const latency = faultLatency(
    [
      { committedAt: 9_000, sentAt: 9_900 },
      { committedAt: 20_500, sentAt: 21_000 },
      { committedAt: 12_000, sentAt: 15_000 },
    ],
    window,
  );
  assert.deepEqual(latency, { inFlight: 1, longestMs: 3_000, unsent: 0 });
});

test('a registration never SENT is counted unsent and leaves the longest to the others', () => {
  assert.deepEqual(faultLatency([{ committedAt: 11_000 }, { committedAt: 12_000, sentAt: 12_400 }], window), { inFlight: 2, longestMs: 400, unsent: 1 });
  assert.deepEqual(faultLatency([{ committedAt: 11_000 }], window), { inFlight: 1, longestMs: undefined, unsent: 1 });
  assert.deepEqual(faultLatency([], window), { inFlight: 0, longestMs: undefined, unsent: 0 });
});

test('a SENT time a few ms before the commit returned (the commit answer travels back) is a zero wait, not a negative one', () => {
  assert.deepEqual(faultLatency([{ committedAt: 12_000, sentAt: 11_990 }], window), { inFlight: 1, longestMs: 0, unsent: 0 });
});

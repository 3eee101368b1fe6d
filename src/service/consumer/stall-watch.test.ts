import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStallWatch } from './stall-watch.ts';

describe('createStallWatch', () => {
  it('flags lag without progress once the timeout passed', () => {
    const watch = createStallWatch(1_000);
    assert.deepEqual(watch({ lag: 5, progress: 1, now: 0 }), { stalled: false });
    assert.deepEqual(watch({ lag: 5, progress: 1, now: 999 }), { stalled: false });
    assert.deepEqual(watch({ lag: 5, progress: 1, now: 1_000 }), { stalled: true, sinceMs: 1_000, lag: 5 });
  });

  it('is never stalled without lag, however long nothing happens', () => {
    const watch = createStallWatch(1_000);
    for (let now = 0; now < 10_000; now += 500) assert.equal(watch({ lag: 0, progress: 0, now }).stalled, false);
  });

  it('restarts the clock on progress or when the lag clears', () => {
    const watch = createStallWatch(1_000);
    watch({ lag: 5, progress: 1, now: 0 });
    assert.equal(watch({ lag: 4, progress: 2, now: 900 }).stalled, false);
    assert.equal(watch({ lag: 4, progress: 2, now: 1_800 }).stalled, false);
    assert.equal(watch({ lag: 0, progress: 2, now: 1_950 }).stalled, false);
    assert.equal(watch({ lag: 3, progress: 2, now: 2_500 }).stalled, false);
    assert.equal(watch({ lag: 3, progress: 2, now: 3_500 }).stalled, true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InFlightWindow } from './in-flight-window.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('InFlightWindow', () => {
  it('runs tasks of different keys concurrently, up to the limit', async () => {
    const window = new InFlightWindow(2);
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const task = (i: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await gates[i]!.promise;
      running--;
    };
    await window.submit('a', task(0));
    await window.submit('b', task(1));
    let thirdAdmitted = false;
    const third = window.submit('c', task(2)).then(() => (thirdAdmitted = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(thirdAdmitted, false, 'the third task waits for a free slot');
    gates[0]!.resolve();
    await third;
    gates[1]!.resolve();
    gates[2]!.resolve();
    await window.idle();
    assert.equal(peak, 2);
    assert.equal(window.size, 0);
  });

  it('runs tasks of one key strictly in submission order, each after the previous settled', async () => {
    const window = new InFlightWindow(10);
    const log: string[] = [];
    const first = deferred();
    await window.submit('k', async () => {
      log.push('start 1');
      await first.promise;
      log.push('end 1');
    });
    await window.submit('k', async () => {
      log.push('start 2');
    });
    await window.submit(null, async () => {
      log.push('unkeyed');
    });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ['start 1', 'unkeyed']);
    first.resolve();
    await window.idle();
    assert.deepEqual(log, ['start 1', 'unkeyed', 'end 1', 'start 2']);
  });

  it('keeps going after a task rejects', async () => {
    const window = new InFlightWindow(1);
    await window.submit('k', async () => {
      throw new Error('boom');
    });
    let ran = false;
    await window.submit('k', async () => {
      ran = true;
    });
    await window.idle();
    assert.ok(ran);
  });

  it('idle resolves at once when empty', async () => {
    await new InFlightWindow(1).idle();
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import type { Consumer } from '../kafka/client.ts';
import { createLogger } from '../logger.ts';
import { waitFor } from '../wait-for.ts';
import { type DeadLetterSink, type RecordHandler, startConsumerGroup } from './consumer-group.ts';
import type { DeadLetterMessage } from './dead-letter.ts';

// A stand-in for the Kafka consumer: enough of its surface to drive the group loop and to see
// exactly which offsets it commits, and when.
interface FakeConsumer {
  consumer: Consumer;
  commits: Array<Array<{ topic: string; partition: number; offset: string }>>;
  deliver(partition: number, offset: number, key?: string, value?: string): Promise<void>;
  assign(partitions: number[]): Promise<void>;
  committedOffset(partition: number): string | undefined;
  disconnected(): boolean;
}

function fakeConsumer(
  topic: string,
  onRebalance: (error: { code: number }, assignment: Array<{ topic: string; partition: number }>) => Promise<void>,
): FakeConsumer {
  let eachMessage: ((payload: unknown) => Promise<void>) | undefined;
  let isDisconnected = false;
  const commits: FakeConsumer['commits'] = [];
  const consumer = {
    connect: async () => {},
    subscribe: async () => {},
    run: async ({ eachMessage: handler }: { eachMessage: (payload: unknown) => Promise<void> }) => {
      eachMessage = handler;
    },
    commitOffsets: async (offsets: Array<{ topic: string; partition: number; offset: string }>) => {
      commits.push(offsets.map((o) => ({ ...o })));
    },
    pause: () => {},
    disconnect: async () => {
      isDisconnected = true;
    },
  } as unknown as Consumer;
  return {
    consumer,
    commits,
    deliver: async (partition, offset, key = `k${offset}`, value = `v${offset}`) => {
      await eachMessage!({
        topic,
        partition,
        message: { key: Buffer.from(key), value: Buffer.from(value), offset: String(offset), timestamp: '1700000000000', headers: {} },
      });
    },
    assign: (partitions) =>
      onRebalance(
        { code: -175 },
        partitions.map((partition) => ({ topic, partition })),
      ),
    committedOffset: (partition) =>
      commits
        .flat()
        .filter((c) => c.partition === partition)
        .at(-1)?.offset,
    disconnected: () => isDisconnected,
  };
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  return { promise, resolve, reject };
}

/** Waits for `condition` (the group works in the background), failing after a generous deadline. */
function until(what: string, condition: () => boolean): Promise<true> {
  return waitFor(async () => condition() || undefined, { what, timeoutMs: 2_000, intervalMs: 5 });
}

// A failing test must not leave a group (and its commit timer) running and hang the file.
const started: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((group) => group.stop()));
});

async function start({
  handle,
  deadLetter = async () => {},
  maxAttempts = 3,
  maxInFlight = 10,
  attemptTimeoutMs = 1_000,
}: {
  handle: RecordHandler;
  deadLetter?: DeadLetterSink;
  maxAttempts?: number;
  maxInFlight?: number;
  attemptTimeoutMs?: number;
}) {
  let fake: FakeConsumer | undefined;
  const fatal: AppError[] = [];
  const group = await startConsumerGroup({
    name: 'test',
    stage: 'route',
    topic: 't',
    createConsumer: (onRebalance) => {
      fake = fakeConsumer('t', onRebalance);
      return fake.consumer;
    },
    handle,
    deadLetter,
    retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 },
    attemptTimeoutMs,
    maxInFlight,
    logger: createLogger('silent'),
    onFatal: (error) => fatal.push(error),
    drainTimeoutMs: 200,
  });
  started.push(group);
  await fake!.assign([0, 1]);
  return { group, fake: fake!, fatal };
}

describe('startConsumerGroup', () => {
  it('commits a partition only up to the first record not yet done, and other partitions independently', async () => {
    const gates = new Map<string, ReturnType<typeof deferred<string>>>();
    const handle: RecordHandler = (record) => {
      const gate = deferred<string>();
      gates.set(`${record.partition}:${record.offset}`, gate);
      return gate.promise;
    };
    const { group, fake } = await start({ handle });
    for (const offset of [0, 1, 2]) await fake.deliver(0, offset);
    await fake.deliver(1, 7);
    gates.get('0:1')!.resolve('routed');
    gates.get('0:2')!.resolve('routed');
    gates.get('1:7')!.resolve('routed');
    await until('partition 1 committed', () => fake.committedOffset(1) === '8');
    // The commit that carried partition 1 carried everything committable: partition 0 held back.
    assert.equal(fake.committedOffset(0), undefined, 'offset 0 is in flight: nothing of partition 0 is committed');
    gates.get('0:0')!.resolve('routed');
    await until('partition 0 committed', () => fake.committedOffset(0) === '3');
    assert.equal(group.counters.get('routed'), 4);
    await group.stop();
  });

  it('admits records without waiting for earlier ones: several in flight at once', async () => {
    let running = 0;
    let peak = 0;
    const release = deferred();
    const { group, fake } = await start({
      handle: async () => {
        running++;
        peak = Math.max(peak, running);
        await release.promise;
        running--;
        return 'routed';
      },
    });
    for (let offset = 0; offset < 5; offset++) await fake.deliver(0, offset);
    await until('five records in flight', () => peak === 5);
    release.resolve();
    await until('all committed', () => fake.committedOffset(0) === '5');
    await group.stop();
  });

  it('dead-letters a non-retryable failure at once, then commits past it', async () => {
    const letters: DeadLetterMessage[] = [];
    let calls = 0;
    const { group, fake } = await start({
      handle: async () => {
        calls++;
        throw new AppError('UNKNOWN_EVENT_TYPE', 'nope');
      },
      deadLetter: async (message) => void letters.push(message),
    });
    await fake.deliver(0, 0);
    await until('the commit', () => fake.committedOffset(0) === '1');
    assert.equal(calls, 1);
    assert.equal(letters.length, 1);
    assert.equal(letters[0]!.headers['dlq-error-code'], 'UNKNOWN_EVENT_TYPE');
    assert.equal(letters[0]!.headers['dlq-attempts'], '1');
    assert.equal(fake.committedOffset(0), '1');
    assert.equal(group.counters.get('dead-lettered:UNKNOWN_EVENT_TYPE'), 1);
    await group.stop();
  });

  it('retries a retryable failure, then dead-letters it with the attempt count', async () => {
    const letters: DeadLetterMessage[] = [];
    let calls = 0;
    const { group, fake } = await start({
      handle: async () => {
        calls++;
        throw new AppError('DATABASE_UNAVAILABLE', 'down');
      },
      deadLetter: async (message) => void letters.push(message),
      maxAttempts: 3,
    });
    await fake.deliver(0, 0);
    await until('the commit', () => fake.committedOffset(0) === '1');
    assert.equal(calls, 3);
    assert.equal(letters[0]!.headers['dlq-attempts'], '3');
    assert.equal(fake.committedOffset(0), '1');
    await group.stop();
  });

  it('never commits a record whose dead-letter write failed, and reports it as fatal', async () => {
    const { group, fake, fatal } = await start({
      handle: async (record) => {
        if (record.offset === '0') throw new AppError('INVALID_PAYLOAD', 'bad');
        return 'routed';
      },
      // A sink classifies its own failures (kafka/send-messages.ts): a broker that stays down.
      deadLetter: async () => {
        throw new AppError('KAFKA_UNAVAILABLE', 'broker down');
      },
    });
    await fake.deliver(0, 0);
    await fake.deliver(0, 1);
    await until('the fatal report', () => fatal.length === 1);
    assert.equal(fatal[0]!.code, 'KAFKA_UNAVAILABLE');
    await group.stop();
    assert.equal(fake.committedOffset(0), undefined, 'offset 0 stays uncommitted, and so does everything behind it');
  });

  it('keeps records of one key in order even when the first one is retried', async () => {
    const order: string[] = [];
    let failedOnce = false;
    const { group, fake } = await start({
      handle: async (record) => {
        if (record.offset === '0' && !failedOnce) {
          failedOnce = true;
          throw new AppError('KAFKA_UNAVAILABLE', 'blip');
        }
        order.push(record.offset);
        return 'routed';
      },
    });
    await fake.deliver(0, 0, 'same-key');
    await fake.deliver(0, 1, 'same-key');
    await fake.deliver(0, 2, 'other-key');
    await until('all three handled', () => order.length === 3);
    assert.ok(order.indexOf('0') < order.indexOf('1'), `same key stays in order: ${order.join(',')}`);
    assert.equal(order[0], '2', 'another key is not held up by the retry');
    await group.stop();
  });

  it('cancels a timed-out attempt and waits for it before retrying: one attempt of a record at a time', async () => {
    let running = 0;
    let overlap = false;
    let calls = 0;
    const { group, fake } = await start({
      attemptTimeoutMs: 30,
      handle: async (_record, signal) => {
        calls++;
        running++;
        overlap ||= running > 1;
        try {
          if (calls === 1) {
            // A statement stuck on a lock: it ends only when cancelled, and its rollback takes a moment.
            await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
            await new Promise((resolve) => setTimeout(resolve, 50));
            throw new AppError('TIMEOUT', 'cancelled');
          }
          return 'routed';
        } finally {
          running--;
        }
      },
    });
    await fake.deliver(0, 0);
    await until('the retry committed', () => fake.committedOffset(0) === '1');
    assert.equal(calls, 2);
    assert.equal(overlap, false, 'the retry started only after the cancelled attempt had settled');
    assert.equal(group.counters.get('routed'), 1);
    await group.stop();
  });

  it('does not throw from eachMessage, even when the handler throws something odd', async () => {
    const { group, fake } = await start({
      handle: async () => {
        throw 'a string';
      },
    });
    await assert.doesNotReject(fake.deliver(0, 0));
    await until('dead-lettered as INTERNAL, then committed', () => fake.committedOffset(0) === '1');
    await group.stop();
  });

  it('on stop, leaves new records alone, commits what is done, then disconnects', async () => {
    const { group, fake } = await start({ handle: async () => 'routed' });
    await fake.deliver(0, 0);
    await until('the first commit', () => fake.committedOffset(0) === '1');
    const stopping = group.stop();
    await fake.deliver(0, 1);
    await stopping;
    assert.equal(fake.committedOffset(0), '1');
    assert.ok(fake.disconnected());
  });

  it('on stop, abandons retries that outlast the drain time without committing them', async () => {
    const { group, fake } = await start({
      handle: async () => {
        throw new AppError('DATABASE_UNAVAILABLE', 'down');
      },
      maxAttempts: 1_000,
    });
    await fake.deliver(0, 0);
    await group.stop();
    assert.equal(fake.committedOffset(0), undefined);
    assert.ok(fake.disconnected());
  });
});

import { type AppError, toAppError } from '../errors.ts';

/** One item's outcome in a batch that went through: its own value, or its own failure. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: AppError };

/**
 * Runs several items as one unit of work (one transaction). Resolves with one Settled per item,
 * in order, when the unit went through; throws when it failed as a whole (nothing applied). The
 * signal fires when a member's attempt ends (its deadline, the group stopping): stop and throw.
 */
export type BatchRun<I, R> = (items: readonly I[], signal: AbortSignal) => Promise<Array<Settled<R>>>;

export interface BatcherOptions<I, R> {
  maxBatch: number;
  /** Batches running at once. */
  concurrency: number;
  run: BatchRun<I, R>;
  /** A batch failed as a whole and is split in two: told its size and why. */
  onSplit?: (size: number, error: AppError) => void;
}

export interface Batcher<I, R> {
  /** Resolves or rejects with this item's own outcome; `signal` ends its wait and its part in a batch. */
  submit(item: I, signal: AbortSignal): Promise<R>;
}

interface Member<I, R> {
  item: I;
  signal: AbortSignal;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the items submitted while earlier batches run into batches of up to `maxBatch`.
 *
 * A batch that fails as a whole is bisected, each half run on its own, until the failing item is
 * alone: only that item gets the failure, so one bad record never fails (or, after its retries,
 * dead-letters) its neighbours. When a member's signal fires, the running batch is cancelled (its
 * transaction rolls back), the member gets its signal's reason, and the others run again without it,
 * so a member is only ever settled once nothing of its batch is still running.
 */
export function createBatcher<I, R>({ maxBatch, concurrency, run, onSplit }: BatcherOptions<I, R>): Batcher<I, R> {
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const pending: Array<Member<I, R>> = [];
  let running = 0;
  let scheduled = false;

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // setImmediate lets the records admitted in one burst share a batch.
    setImmediate(() => {
      scheduled = false;
      drain();
    });
  }

  function drain(): void {
    while (running < concurrency && pending.length > 0) {
      const batch = pending.splice(0, maxBatch);
      running++;
      void settleBatch(batch, run, onSplit).finally(() => {
        running--;
        if (pending.length > 0) schedule();
      });
    }
  }

  return {
    submit(item, signal) {
      return new Promise<R>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const member: Member<I, R> = { item, signal, resolve, reject };
        pending.push(member);
        // Still waiting for a batch: leave at once. In a batch, settleBatch answers for it.
        signal.addEventListener(
          'abort',
          () => {
            const index = pending.indexOf(member);
            if (index === -1) return;
            pending.splice(index, 1);
            reject(signal.reason);
          },
          { once: true },
        );
        schedule();
      });
    },
  };
}

async function settleBatch<I, R>(members: Array<Member<I, R>>, run: BatchRun<I, R>, onSplit: BatcherOptions<I, R>['onSplit']): Promise<void> {
  let live = withoutAborted(members);
  while (live.length > 0) {
    const cancel = new AbortController();
    const onAbort = () => cancel.abort();
    for (const member of live) member.signal.addEventListener('abort', onAbort, { once: true });
    let results: Array<Settled<R>> | undefined;
    let failure: AppError | undefined;
    try {
      results = await run(
        live.map((member) => member.item),
        cancel.signal,
      );
    } catch (error) {
      failure = toAppError(error);
    } finally {
      for (const member of live) member.signal.removeEventListener('abort', onAbort);
    }
    if (results !== undefined) {
      if (results.length !== live.length) {
        const error = toAppError(new Error(`a batch of ${live.length} answered ${results.length} outcomes`));
        for (const member of live) member.reject(error);
        return;
      }
      live.forEach((member, index) => {
        const result = results[index]!;
        if (result.ok) member.resolve(result.value);
        else member.reject(result.error);
      });
      return;
    }
    // A member's attempt ended and cancelled the batch: the others were not at fault, they go again.
    if (cancel.signal.aborted) {
      live = withoutAborted(live);
      continue;
    }
    if (live.length === 1) {
      live[0]!.reject(failure);
      return;
    }
    onSplit?.(live.length, failure!);
    const half = Math.ceil(live.length / 2);
    await settleBatch(live.slice(0, half), run, onSplit);
    await settleBatch(live.slice(half), run, onSplit);
    return;
  }
}

/** Members whose signal fired get its reason; the rest are returned. */
function withoutAborted<I, R>(members: Array<Member<I, R>>): Array<Member<I, R>> {
  const live: Array<Member<I, R>> = [];
  for (const member of members) {
    if (member.signal.aborted) member.reject(member.signal.reason);
    else live.push(member);
  }
  return live;
}

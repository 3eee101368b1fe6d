export interface StallSample {
  /** Records waiting on the group's assigned partitions (log end minus committed offset). */
  lag: number;
  /** Any counter that moves when the group gets work done (records finished, offsets committed). */
  progress: number;
  now: number;
}

export type StallVerdict = { stalled: false } | { stalled: true; sinceMs: number; lag: number };

/**
 * Liveness of one consumer group: stalled when there is lag yet nothing moved for `timeoutMs`.
 * Catches a consumer that silently stopped fetching as well as a partition wedged behind a
 * record; an idle group with no lag is never stalled. Pure: the caller samples and decides.
 */
export function createStallWatch(timeoutMs: number): (sample: StallSample) => StallVerdict {
  let lastProgress: number | undefined;
  let quietSince: number | undefined;
  return ({ lag, progress, now }) => {
    if (lag <= 0 || progress !== lastProgress || quietSince === undefined) {
      lastProgress = progress;
      quietSince = now;
      return { stalled: false };
    }
    const sinceMs = now - quietSince;
    return sinceMs >= timeoutMs ? { stalled: true, sinceMs, lag } : { stalled: false };
  };
}

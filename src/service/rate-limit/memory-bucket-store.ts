import { type BucketPolicy, type BucketState, type Take, takeToken, viewBucket } from './token-bucket.ts';

export interface BucketStore {
  /** Where the buckets live, for log lines. */
  name: string;
  /** Spends a token of `key`'s bucket. Rejects when the store cannot answer (the limiter then fails open). */
  take: (key: string) => Promise<Take>;
  /** Resolves true once the store can answer, false if it still cannot after `timeoutMs`. */
  ready: (timeoutMs: number) => Promise<boolean>;
  close: () => Promise<void>;
}

/**
 * Buckets in this process: right for one api-server. Entries of buckets that have refilled are
 * dropped once the map grows past `sweepAbove`, so many distinct clients cannot grow it forever.
 */
export function memoryBucketStore(policy: BucketPolicy, { now = Date.now, sweepAbove = 10_000 } = {}): BucketStore & { size: () => number } {
  const buckets = new Map<string, BucketState>();
  const sweep = (nowMs: number) => {
    for (const [key, state] of buckets) {
      if (nowMs - state.updatedAtMs >= viewBucket(policy, state.tokens).fullInMs) buckets.delete(key);
    }
  };
  return {
    name: 'memory',
    take: async (key) => {
      const nowMs = now();
      if (buckets.size >= sweepAbove) sweep(nowMs);
      const { allowed, tokens, state } = takeToken(policy, buckets.get(key), nowMs);
      buckets.set(key, state);
      return { allowed, tokens };
    },
    ready: async () => true,
    close: async () => buckets.clear(),
    size: () => buckets.size,
  };
}

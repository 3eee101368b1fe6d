/**
 * A token bucket, as pure arithmetic shared by the in-memory store and (transcribed into Lua)
 * the Redis one: a client may spend up to `capacity` requests at once, and earns them back at
 * `refillPerMinute`. A bucket nobody touched is full, so a store may forget a bucket once it would
 * have refilled: that is when its entry (or Redis key) expires.
 */
export interface BucketPolicy {
  capacity: number;
  refillPerMinute: number;
}

export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

export interface Take {
  allowed: boolean;
  /** Tokens left after this request, fractional. */
  tokens: number;
}

export function refillPerMs(policy: BucketPolicy): number {
  return policy.refillPerMinute / 60_000;
}

/** Spends one token if there is one; the new state is what the store keeps either way. */
export function takeToken(policy: BucketPolicy, state: BucketState | undefined, nowMs: number): Take & { state: BucketState } {
  const elapsed = state === undefined ? 0 : Math.max(0, nowMs - state.updatedAtMs);
  const available = Math.min(policy.capacity, (state?.tokens ?? policy.capacity) + elapsed * refillPerMs(policy));
  const allowed = available >= 1;
  const tokens = allowed ? available - 1 : available;
  return { allowed, tokens, state: { tokens, updatedAtMs: nowMs } };
}

export interface BucketView {
  /** Whole requests the client may still make right now. */
  remaining: number;
  /** Until the next token: 0 when one is available. */
  retryAfterMs: number;
  /** Until the bucket is full again (and a store may forget it). */
  fullInMs: number;
}

export function viewBucket(policy: BucketPolicy, tokens: number): BucketView {
  const rate = refillPerMs(policy);
  return {
    remaining: Math.floor(tokens),
    retryAfterMs: tokens >= 1 ? 0 : (1 - tokens) / rate,
    fullInMs: Math.max(0, policy.capacity - tokens) / rate,
  };
}

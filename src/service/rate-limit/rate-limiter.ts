import type { Logger } from '../logger.ts';
import type { BucketStore } from './memory-bucket-store.ts';
import { type BucketPolicy, type BucketView, refillPerMs, viewBucket } from './token-bucket.ts';

export type Decision = { allowed: boolean; bucket: BucketView } | { allowed: true; bucket: undefined };

export interface RateLimiter {
  policy: BucketPolicy;
  /** Where the buckets live, for the start-up log line. */
  storeName: string;
  /** Spends one request of `client`'s bucket. Never rejects: a store that cannot answer lets the request through. */
  take: (client: string) => Promise<Decision>;
  /** Requests let through unchecked because the store failed: a counter, ready for a metrics endpoint. */
  failOpenTotal: () => number;
  /** Waits (at most `timeoutMs`) until the store answers; false means requests start out unlimited. */
  ready: (timeoutMs: number) => Promise<boolean>;
  close: () => Promise<void>;
}

export interface RateLimiterOptions {
  logger: Logger;
  /** While the store keeps failing, one reminder line this often instead of one per request. */
  reminderEveryMs?: number;
  now?: () => number;
}

/**
 * Fails open: when the store (Redis) cannot answer in time, the request goes through unlimited.
 * The limit protects the service from abusive clients; refusing every registration because its
 * bookkeeping is down would turn a Redis outage into an outage of the API. What protects the
 * service meanwhile is the hashing queue, which does not depend on Redis. The outage is visible:
 * a warning when it starts, a reminder while it lasts, a line when it ends, and the counter.
 */
export function createRateLimiter(policy: BucketPolicy, store: BucketStore, options: RateLimiterOptions): RateLimiter {
  const { logger, reminderEveryMs = 60_000, now = Date.now } = options;
  let failOpen = 0;
  let outage: { since: number; requests: number; lastLine: number } | undefined;
  return {
    policy,
    storeName: store.name,
    take: async (client) => {
      try {
        const { allowed, tokens } = await store.take(client);
        if (outage !== undefined) {
          logger.info(
            { store: store.name, failOpenRequests: outage.requests, outageMs: now() - outage.since },
            'rate limit store answers again: limits enforced',
          );
          outage = undefined;
        }
        return { allowed, bucket: viewBucket(policy, tokens) };
      } catch (error) {
        failOpen++;
        const at = now();
        if (outage === undefined) {
          outage = { since: at, requests: 1, lastLine: at };
          logger.warn(
            { err: error, store: store.name, rate_limit_fail_open_total: failOpen },
            'rate limit store unreachable: requests go through unlimited (fail open)',
          );
        } else {
          outage.requests++;
          if (at - outage.lastLine >= reminderEveryMs) {
            outage.lastLine = at;
            logger.warn(
              { err: error, store: store.name, rate_limit_fail_open_total: failOpen, failOpenRequests: outage.requests, outageMs: at - outage.since },
              'rate limit store still unreachable: requests go through unlimited (fail open)',
            );
          }
        }
        return { allowed: true, bucket: undefined };
      }
    },
    failOpenTotal: () => failOpen,
    ready: (timeoutMs) => store.ready(timeoutMs),
    close: () => store.close(),
  };
}

/** The IETF RateLimit-Policy window: how long an empty bucket takes to refill, in whole seconds. */
export function policyWindowSeconds(policy: BucketPolicy): number {
  return Math.ceil(policy.capacity / refillPerMs(policy) / 1_000);
}

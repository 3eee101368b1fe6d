import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { memoryBucketStore } from './memory-bucket-store.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { redisBucketStore } from './redis-bucket-store.ts';

export type RateLimitSettings = Pick<Config, 'RATE_LIMIT_PER_MINUTE' | 'RATE_LIMIT_BURST' | 'REDIS_URL' | 'RATE_LIMIT_REDIS_PREFIX' | 'REDIS_TIMEOUT_MS'>;

/** The registration limiter the settings ask for, or undefined when a rate or burst of 0 turns it off. */
export function configuredRateLimiter(config: RateLimitSettings, logger: Logger): RateLimiter | undefined {
  if (config.RATE_LIMIT_PER_MINUTE === 0 || config.RATE_LIMIT_BURST === 0) return undefined;
  const policy = { capacity: config.RATE_LIMIT_BURST, refillPerMinute: config.RATE_LIMIT_PER_MINUTE };
  const log = logger.child({ component: 'rate-limit' });
  // ioredis reports every failed reconnect: the first gets a warning, the rest wait for the next recovery.
  let reported = false;
  const store =
    config.REDIS_URL === undefined
      ? memoryBucketStore(policy)
      : redisBucketStore(policy, {
          url: config.REDIS_URL,
          prefix: config.RATE_LIMIT_REDIS_PREFIX,
          timeoutMs: config.REDIS_TIMEOUT_MS,
          onReady: () => {
            reported = false;
            log.info('rate limit buckets in redis: connected');
          },
          onConnectionError: (error) => {
            if (reported) return log.debug({ err: error }, 'redis connection error');
            reported = true;
            log.warn({ err: error }, 'redis unreachable: registrations are not rate limited until it answers (fail open)');
          },
        });
  return createRateLimiter(policy, store, { logger: log });
}

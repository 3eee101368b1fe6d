import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import { policyWindowSeconds, type RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { AppEnv } from './app-env.ts';
import { clientAddress } from './client-address.ts';

/** The policy's name in the IETF RateLimit headers. */
export const rateLimitPolicyName = 'registrations';

/**
 * Spends a token of the client's bucket before anything else is done with the request, and says
 * where the client stands in the IETF httpapi draft's headers (RateLimit-Policy: the bucket holds q
 * requests and refills in w seconds; RateLimit: r left, full again in t seconds). Out of tokens:
 * 429 RATE_LIMITED with Retry-After, the seconds until the next token.
 */
export function rateLimit(limiter: RateLimiter, { trustedProxies }: { trustedProxies: number }): MiddlewareHandler<AppEnv> {
  const policyHeader = `"${rateLimitPolicyName}";q=${limiter.policy.capacity};w=${policyWindowSeconds(limiter.policy)}`;
  return async (c, next) => {
    const { allowed, bucket } = await limiter.take(clientAddress(c, trustedProxies));
    c.header('RateLimit-Policy', policyHeader);
    // Unknown while the store is down (fail open): no RateLimit header rather than a made-up one.
    if (bucket !== undefined) c.header('RateLimit', `"${rateLimitPolicyName}";r=${bucket.remaining};t=${Math.ceil(bucket.fullInMs / 1_000)}`);
    if (!allowed) {
      const seconds = Math.max(1, Math.ceil((bucket?.retryAfterMs ?? 0) / 1_000));
      c.header('Retry-After', String(seconds));
      throw new AppError('RATE_LIMITED', `too many requests from this client: retry in ${seconds} s`);
    }
    await next();
  };
}

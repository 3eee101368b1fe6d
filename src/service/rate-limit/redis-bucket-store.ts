import { once } from 'node:events';
import { Redis } from 'ioredis';
import { maskUrlPassword } from '../config.ts';
import type { BucketStore } from './memory-bucket-store.ts';
import { type BucketPolicy, refillPerMs } from './token-bucket.ts';

/**
 * token-bucket.ts in Lua, so the read, the refill and the spend happen atomically inside Redis:
 * two api-servers taking the last token at the same moment cannot both get it. The clock is
 * Redis's own (TIME), so servers with skewed clocks still share one bucket. The key expires when
 * the bucket would be full again, which is exactly when forgetting it changes nothing; every
 * write sets that expiry afresh, so a key never outlives its bucket nor dies before it refilled.
 */
const takeTokenScript = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(stored[1])
local ts = tonumber(stored[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((capacity - tokens) / rate)))
return { allowed, tostring(tokens) }
`;

type ScriptedRedis = Redis & { takeToken: (key: string, capacity: number, rate: string) => Promise<[number, string]> };

export interface RedisStoreOptions {
  url: string;
  prefix: string;
  /** A command not answered within this fails (the limiter then fails open): a hung Redis must not hang registrations. */
  timeoutMs: number;
  /** Connection errors, for the limiter's log; ioredis reconnects by itself meanwhile. */
  onConnectionError: (error: Error) => void;
  onReady?: () => void;
}

export function redisBucketStore(
  policy: BucketPolicy,
  { url, prefix, timeoutMs, onConnectionError, onReady }: RedisStoreOptions,
): BucketStore & { client: Redis } {
  const client = new Redis(url, {
    // Fail fast instead of queueing while disconnected: a request must not wait for a reconnect.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1_000),
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  }) as ScriptedRedis;
  client.on('error', onConnectionError);
  if (onReady !== undefined) client.on('ready', onReady);
  // EVALSHA, falling back to EVAL once when Redis does not know the script yet (after a restart).
  client.defineCommand('takeToken', { numberOfKeys: 1, lua: takeTokenScript });
  // Lua numbers round-trip through strings here: Redis would truncate a returned float to an integer.
  const rate = String(refillPerMs(policy));
  return {
    name: `redis ${maskUrlPassword(url)}`,
    client,
    take: async (key) => {
      const [allowed, tokens] = await client.takeToken(`${prefix}${key}`, policy.capacity, rate);
      return { allowed: allowed === 1, tokens: Number(tokens) };
    },
    ready: async (timeoutMs) => {
      if (client.status === 'ready') return true;
      const timeout = AbortSignal.timeout(timeoutMs);
      return once(client, 'ready', { signal: timeout }).then(
        () => true,
        () => false,
      );
    },
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

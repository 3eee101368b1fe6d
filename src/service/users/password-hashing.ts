import PQueue from 'p-queue';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { type HashParams, hashPassword } from './password-hash.ts';

export type HashingSettings = Pick<
  Config,
  'PASSWORD_HASH' | 'ARGON2_MEMORY_KIB' | 'ARGON2_TIME_COST' | 'ARGON2_PARALLELISM' | 'SCRYPT_LOG_N' | 'HASH_CONCURRENCY' | 'HASH_QUEUE_MAX'
>;

export function hashParamsOf(config: HashingSettings): HashParams {
  return config.PASSWORD_HASH === 'scrypt'
    ? { algorithm: 'scrypt', logN: config.SCRYPT_LOG_N }
    : { algorithm: 'argon2id', memoryKiB: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: config.ARGON2_PARALLELISM };
}

export interface HashingQueue {
  /** Hashes through the queue, or rejects at once with OVERLOADED when `maxWaiting` hashes already wait. */
  hash: (password: string) => Promise<string>;
  /** Hashes being computed and hashes waiting for a slot, right now. */
  depth: () => { running: number; waiting: number };
}

/**
 * Password hashing is the costly part of a registration (tens of milliseconds of a core and
 * megabytes of memory each). Unbounded, a flood makes every request wait behind every other one
 * and the process run out of memory; bounded, a request that would wait too long is refused at
 * once (503 + Retry-After, before the database is touched), and the accepted ones keep a bounded
 * latency: at most (maxWaiting / concurrency + 1) hashes long.
 */
export function createHashingQueue(
  { concurrency, maxWaiting }: { concurrency: number; maxWaiting: number },
  hash: (password: string) => Promise<string>,
): HashingQueue {
  const queue = new PQueue({ concurrency });
  return {
    hash: (password) => {
      // p-queue starts a task synchronously when a slot is free, so `size` counts only the waiting ones.
      if (queue.pending >= concurrency && queue.size >= maxWaiting) {
        return Promise.reject(new AppError('OVERLOADED', `the server is busy hashing ${queue.pending + queue.size} passwords; retry in a moment`));
      }
      return queue.add(() => hash(password));
    },
    depth: () => ({ running: queue.pending, waiting: queue.size }),
  };
}

/** The configured algorithm behind the configured queue: what the api-server registers with. */
export function configuredHashing(config: HashingSettings): HashingQueue {
  const params = hashParamsOf(config);
  return createHashingQueue({ concurrency: config.HASH_CONCURRENCY, maxWaiting: config.HASH_QUEUE_MAX }, (password) => hashPassword(password, params));
}

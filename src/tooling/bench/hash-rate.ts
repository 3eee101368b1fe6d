import { availableParallelism } from 'node:os';
import { type HashParams, hashPassword } from '../../service/users/password-hash.ts';

/**
 * Hashes per second the KDF allows on this machine: as many hashes in parallel as there are
 * cores (scrypt and argon2id both run on libuv's pool, one core each), for at least `minMs`.
 */
export async function measureHashRate(params: HashParams, { minMs = 3_000, parallel = availableParallelism() } = {}): Promise<number> {
  let hashes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() - started < minMs || hashes < parallel) {
        await hashPassword('a bench password', params);
        hashes++;
      }
    }),
  );
  return (hashes * 1000) / (performance.now() - started);
}

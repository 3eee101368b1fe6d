import { availableParallelism } from 'node:os';
import { hashPassword } from '../../service/users/password-hash.ts';

/**
 * Registrations per second the KDF allows on this machine: as many hashes in parallel as there
 * are cores (scrypt runs on libuv's pool, one core each), for at least `minMs`.
 */
export async function measureHashRate(logN: number, { minMs = 3_000, parallel = availableParallelism() } = {}): Promise<number> {
  let hashes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() - started < minMs || hashes < parallel) {
        await hashPassword('a bench password', logN);
        hashes++;
      }
    }),
  );
  return (hashes * 1000) / (performance.now() - started);
}

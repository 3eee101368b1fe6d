import { describeHashParams, type HashParams, owaspArgon2id } from '../../service/users/password-hash.ts';
import { startApiServerChild } from './api-server-child.ts';
import type { BenchContext } from './bench-context.ts';
import { roundSummary, summarize } from './percentiles.ts';
import { settleRegistrations } from './registration-rows.ts';
import type { HashingRun } from './report-schema.ts';

/** What the issue compares: scrypt at its OWASP minimum (the previous default) and argon2id at its OWASP minimum (the new one). */
const variants: Array<{ params: HashParams; env: Record<string, string> }> = [
  { params: { algorithm: 'scrypt', logN: 17 }, env: { PASSWORD_HASH: 'scrypt', SCRYPT_LOG_N: '17' } },
  { params: owaspArgon2id, env: { PASSWORD_HASH: 'argon2id', ARGON2_MEMORY_KIB: '19456', ARGON2_TIME_COST: '2', ARGON2_PARALLELISM: '1' } },
];

/**
 * Registrations per second and request -> 201 latency of a real api-server process with each KDF:
 * HASH_CONCURRENCY clients in a closed loop, so every hashing slot is always busy and no request
 * waits in the queue (its latency is one registration, its rate the server's capacity).
 */
export async function runHashingCost(
  context: BenchContext,
  { durationMs, drainTimeoutMs }: { durationMs: number; drainTimeoutMs: number },
): Promise<HashingRun[]> {
  const { config, tag, progress } = context;
  const clients = config.HASH_CONCURRENCY;
  const runs: HashingRun[] = [];
  for (const { params, env } of variants) {
    const hashing = describeHashParams(params);
    progress(`hashing: ${hashing}, ${clients} clients for ${durationMs / 1000} s`);
    const server = await startApiServerChild({ ...env, RATE_LIMIT_PER_MINUTE: '0', HASH_QUEUE_MAX: '1000', LOG_LEVEL: 'warn' });
    const ids: string[] = [];
    const latencies: number[] = [];
    let index = 0;
    const started = performance.now();
    try {
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() - started < durationMs) {
            const email = `bench-${tag}-${params.algorithm}-${index++}@bench.example.com`;
            const sent = performance.now();
            const response = await fetch(`${server.base}/api/v1/users`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email, password: `bench password ${index}` }),
            });
            const body = (await response.json()) as { id?: string };
            if (response.status !== 201 || body.id === undefined)
              throw new Error(`registration answered ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
            latencies.push(performance.now() - sent);
            ids.push(body.id);
          }
        }),
      );
    } finally {
      await server.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    runs.push({
      hashing,
      clients,
      registrations: ids.length,
      seconds: Math.round(seconds * 100) / 100,
      registrationsPerSecond: Math.round((ids.length / seconds) * 10) / 10,
      latency: roundSummary(summarize(latencies)),
    });
    progress(`  ${ids.length} registrations, ${(ids.length / seconds).toFixed(1)}/s`);
    await settleRegistrations(context, ids, drainTimeoutMs);
  }
  return runs;
}

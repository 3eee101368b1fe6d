import type { Db } from '../db/database.ts';
import { hashPassword } from '../users/password-hash.ts';
import { removeBenchRows } from './cleanup.ts';
import { roundSummary, summarize } from './percentiles.ts';
import { waitForSent } from './sent-watch.ts';
import type { WriteOverhead } from './report-schema.ts';
import { syntheticRegistration, writeRegistration } from './synthetic-registration.ts';

export interface OverheadScenario {
  concurrency: number;
  rounds: number;
  perRound: number;
  drainTimeoutMs: number;
}

/** scrypt at 2^10 instead of 2^17: cheap enough that the transaction, not the KDF, is measured. */
export const cheapScryptLogN = 10;

interface Sample {
  transactionMs: number[];
  busyMs: number;
}

/**
 * The registration transaction with and without its outbox insert, under the same closed-loop
 * load (a fixed number of concurrent clients). The two variants alternate round by round so that
 * drift (autovacuum, checkpoints, a neighbour's test) hits both alike. The outbox variant also
 * pays for what its events set off on this same machine (WAL decoding, Debezium, the consumer):
 * on two shared cores that is part of the real cost, and the report says so.
 */
export async function runWriteOverhead(db: Db, tag: string, { concurrency, rounds, perRound, drainTimeoutMs }: OverheadScenario, progress: (message: string) => void): Promise<WriteOverhead> {
  const results = { with: { transactionMs: [] as number[], busyMs: 0 }, without: { transactionMs: [] as number[], busyMs: 0 } };
  const written = { with: [] as string[], without: [] as string[] };
  let sequence = 0;
  for (let round = 0; round < rounds; round++) {
    // Alternate which variant goes first, too.
    const order: Array<'with' | 'without'> = round % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
    for (const variant of order) {
      const sample = await closedLoop(concurrency, perRound, async () => {
        const registration = syntheticRegistration(`${tag}-w`, sequence++);
        written[variant].push(registration.userId);
        // Hashed before the transaction, as register-user.ts does; only the transaction is timed.
        await hashPassword('bench password', cheapScryptLogN);
        const started = performance.now();
        await db.transaction().execute((trx) => writeRegistration(trx, registration, { withOutbox: variant === 'with' }));
        return performance.now() - started;
      });
      results[variant].transactionMs.push(...sample.transactionMs);
      results[variant].busyMs += sample.busyMs;
    }
    progress(`  write overhead: round ${round + 1}/${rounds} done`);
  }
  // Rows without an event would stay PENDING forever: removed now. Rows with one are removed only
  // once SENT: deleting a notification the consumer has yet to mark would dead-letter its event.
  await removeBenchRows(db, written.without);
  const sent = await waitForSent(db, written.with, { timeoutMs: drainTimeoutMs, pollMs: 500 });
  if (sent.size === written.with.length) await removeBenchRows(db, written.with);
  else progress(`  write overhead: only ${sent.size}/${written.with.length} of its events reached SENT`);
  const load = (sample: Sample) => ({
    transactions: sample.transactionMs.length,
    seconds: Math.round(sample.busyMs) / 1000,
    transactionsPerSecond: Math.round((sample.transactionMs.length * 1000) / sample.busyMs),
    latency: roundSummary(summarize(sample.transactionMs)),
  });
  const withOutbox = load(results.with);
  const withoutOutbox = load(results.without);
  return {
    concurrency,
    rounds,
    hashing: `scrypt 2^${cheapScryptLogN} before each transaction (not timed); production uses SCRYPT_LOG_N`,
    withOutbox,
    withoutOutbox,
    overheadPercent: Math.round((mean(results.with.transactionMs) / mean(results.without.transactionMs) - 1) * 1000) / 10,
    throughputLossPercent: Math.round((1 - withOutbox.transactionsPerSecond / withoutOutbox.transactionsPerSecond) * 1000) / 10,
  };
}

async function closedLoop(concurrency: number, total: number, operation: () => Promise<number>): Promise<Sample> {
  const transactionMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        transactionMs.push(await operation());
      }
    }),
  );
  return { transactionMs, busyMs: performance.now() - started };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

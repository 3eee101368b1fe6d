import type { Db } from '../db/database.ts';
import { removeBenchRows } from './cleanup.ts';
import { roundSummary, summarize } from './percentiles.ts';
import { pollingTable, withPollingTable } from './polling-table.ts';
import type { WriteOverhead } from './report-schema.ts';
import { waitForSent } from './sent-watch.ts';
import { outboxRow, syntheticRegistration, writeRegistration } from './synthetic-registration.ts';

export interface OverheadScenario {
  concurrency: number;
  rounds: number;
  perRound: number;
  drainTimeoutMs: number;
}


const variants = ['without', 'unpublished', 'with'] as const;
type Variant = (typeof variants)[number];

/**
 * The registration transaction with and without its outbox insert, under the same closed-loop
 * load (a fixed number of concurrent clients), plus a third variant that writes the outbox row
 * into a table of the same shape that is NOT published. The three alternate round by round, in
 * rotating order, so drift (autovacuum, checkpoints, a neighbour's test) hits all alike.
 * The split tells apart what the insert itself costs (unpublished) from what the events it sets
 * off cost on this same machine (WAL decoding, Debezium, the router, and the notifier's own
 * UPDATE + INSERT per event, on the same PostgreSQL and the same two cores).
 */
export async function runWriteOverhead(db: Db, tag: string, { concurrency, rounds, perRound, drainTimeoutMs }: OverheadScenario, progress: (message: string) => void): Promise<WriteOverhead> {
  const samples: Record<Variant, { transactionMs: number[]; busyMs: number }> = { without: { transactionMs: [], busyMs: 0 }, unpublished: { transactionMs: [], busyMs: 0 }, with: { transactionMs: [], busyMs: 0 } };
  const written: Record<Variant, string[]> = { without: [], unpublished: [], with: [] };
  const tables = withPollingTable(db);
  let sequence = 0;
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < variants.length; step++) {
      const variant = variants[(round + step) % variants.length]!;
      const sample = await closedLoop(concurrency, perRound, async () => {
        const registration = syntheticRegistration(`${tag}-w`, sequence++);
        written[variant].push(registration.userId);
        // No KDF: register-user.ts hashes before it opens the transaction, so the hash is no part
        // of what the outbox changes, and on two cores it would only add noise to the loop.
        const started = performance.now();
        if (variant === 'unpublished') {
          await tables.transaction().execute(async (trx) => {
            await writeRegistration(trx, registration, { withOutbox: false });
            await trx.insertInto(pollingTable).values(outboxRow(registration)).execute();
          });
        } else {
          await db.transaction().execute((trx) => writeRegistration(trx, registration, { withOutbox: variant === 'with' }));
        }
        return performance.now() - started;
      });
      samples[variant].transactionMs.push(...sample.transactionMs);
      samples[variant].busyMs += sample.busyMs;
    }
    progress(`  write overhead: round ${round + 1}/${rounds} done`);
  }
  // Rows without a published event would stay PENDING forever: removed now. Rows with one are
  // removed once SENT: deleting a notification the consumer has yet to mark would dead-letter it.
  await removeBenchRows(db, [...written.without, ...written.unpublished]);
  if (written.unpublished.length > 0) await tables.deleteFrom(pollingTable).where('aggregate_id', 'in', written.unpublished).execute();
  const sent = await waitForSent(db, written.with, { timeoutMs: drainTimeoutMs, pollMs: 500 });
  if (sent.size === written.with.length) await removeBenchRows(db, written.with);
  else progress(`  write overhead: only ${sent.size}/${written.with.length} of its events reached SENT`);

  const load = ({ transactionMs, busyMs }: { transactionMs: number[]; busyMs: number }) => ({
    transactions: transactionMs.length,
    seconds: Math.round(busyMs) / 1000,
    transactionsPerSecond: Math.round((transactionMs.length * 1000) / busyMs),
    latency: roundSummary(summarize(transactionMs)),
  });
  const percentOver = (variant: Variant) => Math.round((mean(samples[variant].transactionMs) / mean(samples.without.transactionMs) - 1) * 1000) / 10;
  const withOutbox = load(samples.with);
  const withoutOutbox = load(samples.without);
  return {
    concurrency,
    rounds,
    hashing: 'none: the password hash is computed before the transaction opens (register-user.ts), so it is left out; a constant hash string is stored',
    withOutbox,
    withoutOutbox,
    unpublishedOutbox: load(samples.unpublished),
    overheadPercent: percentOver('with'),
    unpublishedOverheadPercent: percentOver('unpublished'),
    throughputLossPercent: Math.round((1 - withOutbox.transactionsPerSecond / withoutOutbox.transactionsPerSecond) * 1000) / 10,
  };
}

async function closedLoop(concurrency: number, total: number, operation: () => Promise<number>): Promise<{ transactionMs: number[]; busyMs: number }> {
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

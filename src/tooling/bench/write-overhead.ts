import type { Db } from '../../service/db/database.ts';
import { removeBenchRows } from './cleanup.ts';
import { runPacedWrites, throwOnFailedWrites } from './paced-writes.ts';
import { roundSummary, summarize } from './percentiles.ts';
import { pollingTable, withPollingTable } from './polling-table.ts';
import type { OverheadLoad, WriteOverhead } from './report-schema.ts';
import { waitForSent } from './sent-watch.ts';
import { outboxRow, type SyntheticRegistration, syntheticRegistration, writeRegistration } from './synthetic-registration.ts';

export interface OverheadScenario {
  ratePerSecond: number;
  concurrency: number;
  rounds: number;
  perRound: number;
  drainTimeoutMs: number;
}

export const overheadVariants = ['without', 'unpublished', 'with'] as const;
type Variant = (typeof overheadVariants)[number];

type Sample = { transactionMs: number[]; busyMs: number };
type Load = (variant: Variant, count: number, write: (variant: Variant) => Promise<number>) => Promise<Sample>;

/**
 * The registration transaction without its outbox insert, with it (live: published, so the
 * pipeline reacts), and with the outbox row written to a same-shape table outside the publication
 * (the insert alone). Two loads: a fixed offered rate (what a registration feels) and a closed
 * loop of concurrent clients (the capacity lost). Variants alternate round by round in rotating
 * order; after a live round the bench waits until its notifications are SENT, so the notifier's
 * UPDATE + INSERT per event never spills into another variant's round.
 * No KDF: register-user.ts hashes before the transaction opens, so the hash is no part of what
 * the outbox changes.
 */
export async function runWriteOverhead(db: Db, tag: string, scenario: OverheadScenario, progress: (message: string) => void): Promise<WriteOverhead> {
  const tables = withPollingTable(db);
  let sequence = 0;
  const written: Record<Variant, string[]> = { without: [], unpublished: [], with: [] };

  const transaction = async (variant: Variant): Promise<number> => {
    const registration: SyntheticRegistration = syntheticRegistration(`${tag}-w`, sequence++);
    written[variant].push(registration.userId);
    const started = performance.now();
    if (variant === 'unpublished') {
      // The same row in the same statement, into a table outside the publication: the insert alone.
      await db
        .transaction()
        .execute((trx) => writeRegistration(trx, registration, { withOutbox: false, extra: tables.insertInto(pollingTable).values(outboxRow(registration)) }));
    } else {
      await db.transaction().execute((trx) => writeRegistration(trx, registration, { withOutbox: variant === 'with' }));
    }
    return performance.now() - started;
  };

  const paced: Load = async (variant, count, write) => {
    const durations: number[] = [];
    const started = performance.now();
    const result = await runPacedWrites({
      count,
      ratePerSecond: scenario.ratePerSecond,
      write: async (index) => {
        durations.push(await write(variant));
        return String(index);
      },
    });
    throwOnFailedWrites(result);
    return { transactionMs: durations, busyMs: performance.now() - started };
  };
  const closed: Load = (variant, count, write) => closedLoop(scenario.concurrency, count, () => write(variant));

  const measure = async (name: string, load: Load): Promise<Record<Variant, Sample>> => {
    const samples: Record<Variant, Sample> = {
      without: { transactionMs: [], busyMs: 0 },
      unpublished: { transactionMs: [], busyMs: 0 },
      with: { transactionMs: [], busyMs: 0 },
    };
    for (let round = 0; round < scenario.rounds; round++) {
      for (let step = 0; step < overheadVariants.length; step++) {
        const variant = overheadVariants[(round + step) % overheadVariants.length]!;
        const before = written.with.length;
        const sample = await load(variant, scenario.perRound, transaction);
        samples[variant].transactionMs.push(...sample.transactionMs);
        samples[variant].busyMs += sample.busyMs;
        if (variant === 'with') await waitForSent(db, written.with.slice(before), { timeoutMs: scenario.drainTimeoutMs, pollMs: 100 });
      }
      progress(`  write overhead (${name}): round ${round + 1}/${scenario.rounds} done`);
    }
    return samples;
  };

  const atRate = await measure(`${scenario.ratePerSecond}/s`, paced);
  const saturated = await measure(`${scenario.concurrency} clients`, closed);

  // Rows without a published event would stay PENDING forever: removed now. Rows with one only
  // once SENT: deleting a notification the consumer has yet to mark would dead-letter its event.
  await removeBenchRows(db, [...written.without, ...written.unpublished]);
  if (written.unpublished.length > 0) await tables.deleteFrom(pollingTable).where('aggregate_id', 'in', written.unpublished).execute();
  const sent = await waitForSent(db, written.with, { timeoutMs: scenario.drainTimeoutMs, pollMs: 500 });
  if (sent.size === written.with.length) await removeBenchRows(db, written.with);
  else progress(`  write overhead: only ${sent.size}/${written.with.length} of its events reached SENT`);

  return {
    hashing: 'none: the password hash is computed before the transaction opens (register-user.ts); a constant hash string is stored',
    rounds: scenario.rounds,
    atRate: { ratePerSecond: scenario.ratePerSecond, ...compare(atRate) },
    saturated: { concurrency: scenario.concurrency, ...compare(saturated) },
  };
}

function compare(samples: Record<Variant, Sample>): {
  without: OverheadLoad;
  unpublished: OverheadLoad;
  with: OverheadLoad;
  overheadPercent: number;
  unpublishedOverheadPercent: number;
  throughputLossPercent: number;
} {
  const load = ({ transactionMs, busyMs }: Sample): OverheadLoad => ({
    transactions: transactionMs.length,
    seconds: Math.round(busyMs) / 1000,
    transactionsPerSecond: Math.round((transactionMs.length * 1000) / busyMs),
    latency: roundSummary(summarize(transactionMs)),
  });
  const percentOver = (variant: Variant) => Math.round((mean(samples[variant].transactionMs) / mean(samples.without.transactionMs) - 1) * 1000) / 10;
  const loads = { without: load(samples.without), unpublished: load(samples.unpublished), with: load(samples.with) };
  return {
    ...loads,
    overheadPercent: percentOver('with'),
    unpublishedOverheadPercent: percentOver('unpublished'),
    throughputLossPercent: Math.round((1 - loads.with.transactionsPerSecond / loads.without.transactionsPerSecond) * 1000) / 10,
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

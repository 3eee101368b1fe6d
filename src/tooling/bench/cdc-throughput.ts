import { type BenchContext, dlqCount } from './bench-context.ts';
import { bulkInsert } from './bulk-insert.ts';
import { removeBenchRows } from './cleanup.ts';
import { wallClockMs } from './commit-clock.ts';
import { deadLetterStop } from './dead-letter-stop.ts';
import { checkLoss } from './loss-check.ts';
import { batchRanges } from './rate-schedule.ts';
import type { ThroughputRun } from './report-schema.ts';
import { waitForSent } from './sent-watch.ts';
import { insertStage, rateSince, stages, sustainedRate } from './stage-rate.ts';
import { syntheticRegistration } from './synthetic-registration.ts';

export interface ThroughputScenario {
  events: number;
  batchSize: number;
  insertConcurrency: number;
  drainTimeoutMs: number;
}

/**
 * A burst of N registrations inserted in multi-row batches as fast as PostgreSQL takes them, then
 * timed until every event was relayed (CDC topic), routed and SENT. Users and notifications are
 * inserted too, so every event can reach SENT: a notification stage without them would
 * dead-letter every record, and zero loss could not be checked to the end.
 */
export async function runCdcThroughput(
  context: BenchContext,
  { events, batchSize, insertConcurrency, drainTimeoutMs }: ThroughputScenario,
): Promise<ThroughputRun> {
  const { db, watches, tag, progress } = context;
  const registrations = Array.from({ length: events }, (_, index) => syntheticRegistration(`${tag}-t`, index));
  const ids = registrations.map((registration) => registration.userId);
  const dlqBefore = dlqCount(context);
  progress(`cdc throughput: inserting ${events} registrations in batches of ${batchSize}`);
  const started = wallClockMs();
  let lastReport = started;
  await bulkInsert(db, batchesOf(registrations, batchSize), {
    table: 'outbox_events',
    withUsers: true,
    concurrency: insertConcurrency,
    onBatch: (committed) => {
      if (wallClockMs() - lastReport < 2_000) return;
      lastReport = wallClockMs();
      progress(`  inserted ${committed}/${events}, on dbz topic ${countSeen(ids, watches.cdc.sightings)}, routed ${countSeen(ids, watches.routed.sightings)}`);
    },
  });
  const inserted = wallClockMs();
  progress(`  inserted all in ${((inserted - started) / 1000).toFixed(1)} s; waiting for the pipeline`);
  const guard = deadLetterStop(ids, watches.dlq.sightings);
  await watches.cdc.waitFor(
    ids,
    drainTimeoutMs,
    (seen) => progress(`  on dbz topic ${seen}/${events}, routed ${countSeen(ids, watches.routed.sightings)}`),
    guard,
  );
  await watches.routed.waitFor(ids, drainTimeoutMs, (seen) => progress(`  routed ${seen}/${events}`), guard);
  const sentAt = await waitForSent(db, ids, { timeoutMs: drainTimeoutMs, pollMs: 1_000, onProgress: (sent) => progress(`  SENT ${sent}/${events}`), guard });
  const cdcTimes = arrivals(ids, watches.cdc.sightings);
  const routedTimes = arrivals(ids, watches.routed.sightings);
  const loss = checkLoss(
    ids,
    { cdc: watches.cdc.sightings, routed: watches.routed.sightings, sent: sentAt },
    watches.dlq.sightings,
    dlqCount(context) - dlqBefore,
  );
  const run: ThroughputRun = {
    path: 'cdc',
    events,
    batchSize,
    stages: [
      insertStage(events, started, inserted),
      sustainedRate(stages.debezium, cdcTimes),
      sustainedRate(stages.router, routedTimes),
      sustainedRate(stages.notifier, [...sentAt.values()]),
      rateSince(stages.endToEnd, started, routedTimes),
    ],
    loss,
  };
  if (loss.ok) await removeBenchRows(db, ids);
  return run;
}

export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  return batchRanges(items.length, size).map(([from, to]) => items.slice(from, to));
}

/** When the bench's reader received each event's record. */
export function arrivals(ids: readonly string[], sightings: ReadonlyMap<string, { arrivalMs: number }>): number[] {
  return timesOf(ids, sightings, (seen) => seen.arrivalMs);
}

/** The records' own timestamps (set by the producer that wrote them): when the stage handed each one over. */
export function recordTimestamps(ids: readonly string[], sightings: ReadonlyMap<string, { timestampMs: number }>): number[] {
  return timesOf(ids, sightings, (seen) => seen.timestampMs);
}

function timesOf<S>(ids: readonly string[], sightings: ReadonlyMap<string, S>, time: (seen: S) => number): number[] {
  const times: number[] = [];
  for (const id of ids) {
    const seen = sightings.get(id);
    if (seen !== undefined) times.push(time(seen));
  }
  return times;
}

export function countSeen(ids: readonly string[], sightings: ReadonlyMap<string, unknown>): number {
  let count = 0;
  for (const id of ids) if (sightings.has(id)) count++;
  return count;
}

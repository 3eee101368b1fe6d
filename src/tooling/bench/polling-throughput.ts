import { type BenchContext, dlqCount } from './bench-context.ts';
import { bulkInsert } from './bulk-insert.ts';
import { arrivals, batchesOf, countSeen, type ThroughputScenario } from './cdc-throughput.ts';
import { wallClockMs } from './commit-clock.ts';
import { checkLoss } from './loss-check.ts';
import type { ThroughputRun } from './report-schema.ts';
import { insertStage, rateSince, stages, sustainedRate } from './stage-rate.ts';
import { syntheticRegistration } from './synthetic-registration.ts';

/** The same burst into outbox_events_polling, timed until the polling relay published all of it. */
export async function runPollingThroughput(
  context: BenchContext,
  { events, batchSize, insertConcurrency, drainTimeoutMs }: ThroughputScenario,
): Promise<ThroughputRun> {
  const { db, watches, tag, progress } = context;
  const registrations = Array.from({ length: events }, (_, index) => syntheticRegistration(`${tag}-pt`, index));
  const ids = registrations.map((registration) => registration.userId);
  const dlqBefore = dlqCount(context);
  progress(`polling throughput: inserting ${events} events in batches of ${batchSize}`);
  const started = wallClockMs();
  await bulkInsert(db, batchesOf(registrations, batchSize), { table: 'outbox_events_polling', withUsers: false, concurrency: insertConcurrency });
  const inserted = wallClockMs();
  progress(`  inserted all in ${((inserted - started) / 1000).toFixed(1)} s, published ${countSeen(ids, watches.polling.sightings)}; waiting for the relay`);
  await watches.polling.waitFor(ids, drainTimeoutMs, (seen) => progress(`  published ${seen}/${events}`));
  const times = arrivals(ids, watches.polling.sightings);
  return {
    path: 'polling',
    events,
    batchSize,
    stages: [insertStage(events, started, inserted), sustainedRate(stages.polling, times), rateSince('first insert -> all published', started, times)],
    loss: checkLoss(ids, { polling: watches.polling.sightings }, watches.dlq.sightings, dlqCount(context) - dlqBefore),
  };
}

import { type BenchContext, databaseWritesInFlight, dlqCount } from './bench-context.ts';
import type { LatencyScenario } from './cdc-latency.ts';
import { measureHop } from './hop-result.ts';
import { hops } from './hops.ts';
import { checkLoss } from './loss-check.ts';
import { runPacedWrites, throwOnFailedWrites } from './paced-writes.ts';
import { withPollingTable } from './polling-table.ts';
import { plannedCount } from './rate-schedule.ts';
import type { LatencyRun } from './report-schema.ts';
import { outboxRow, syntheticRegistration } from './synthetic-registration.ts';

/**
 * The CDC latency scenario's relay hop, through the polling relay instead: the same events at the
 * same rate, each committed in its own transaction into outbox_events_polling, timed from commit
 * to the polling relay's topic. Only the outbox row is written (no user or notification): nothing
 * routes these events, and notifications left PENDING forever would look like a stuck pipeline.
 */
export async function runPollingLatency(context: BenchContext, { ratePerSecond, durationMs, drainTimeoutMs }: LatencyScenario): Promise<LatencyRun> {
  const { db, watches, tag, progress } = context;
  const tables = withPollingTable(db);
  const count = plannedCount(ratePerSecond, durationMs);
  const dlqBefore = dlqCount(context);
  progress(`polling latency ${ratePerSecond}/s: writing ${count} events`);
  const writes = await runPacedWrites({
    count,
    ratePerSecond,
    maxInFlight: databaseWritesInFlight,
    write: async (index) => {
      const registration = syntheticRegistration(`${tag}-p${ratePerSecond}`, index);
      await tables.transaction().execute((trx) => trx.insertInto('outbox_events_polling').values(outboxRow(registration)).execute());
      return registration.userId;
    },
    onProgress: (written) => progress(`  written ${written}/${count}`),
  });
  throwOnFailedWrites(writes);
  const { ids, commits } = writes;
  progress(`  achieved ${writes.achievedRatePerSecond.toFixed(0)}/s; waiting for the polling relay`);
  await watches.polling.waitFor(ids, drainTimeoutMs);
  const polled = watches.polling.sightings;
  return {
    path: 'polling',
    targetRatePerSecond: ratePerSecond,
    achievedRatePerSecond: Math.round(writes.achievedRatePerSecond),
    events: ids.length,
    hops: [
      measureHop(
        hops.pollingArrival,
        ids,
        (id) => commits.get(id),
        (id) => polled.get(id)?.arrivalMs,
      ),
      measureHop(
        hops.pollingTimestamp,
        ids,
        (id) => commits.get(id),
        (id) => polled.get(id)?.timestampMs,
      ),
    ],
    loss: checkLoss(ids, { polling: polled }, watches.dlq.sightings, dlqCount(context) - dlqBefore),
  };
}

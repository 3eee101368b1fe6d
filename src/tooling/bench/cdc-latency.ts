import { type BenchContext, databaseWritesInFlight, dlqCount } from './bench-context.ts';
import { removeBenchRows } from './cleanup.ts';
import type { ConnectorVariant } from './connector-variant.ts';
import { deadLetterStop } from './dead-letter-stop.ts';
import { measureHop } from './hop-result.ts';
import { hops, stageHops } from './hops.ts';
import { waitForInbox } from './inbox-watch.ts';
import { checkLoss } from './loss-check.ts';
import { runPacedWrites, throwOnFailedWrites } from './paced-writes.ts';
import { plannedCount } from './rate-schedule.ts';
import type { LatencyRun } from './report-schema.ts';
import { waitForSent } from './sent-watch.ts';
import { syntheticRegistration, writeRegistration } from './synthetic-registration.ts';

export interface LatencyScenario {
  ratePerSecond: number;
  durationMs: number;
  drainTimeoutMs: number;
  /** A second pipeline relaying the same events (connector-variant.ts), measured beside. */
  variant?: ConnectorVariant;
}

/**
 * Registrations written straight into the database at a fixed rate (no HTTP, no hashing), each
 * in its own transaction with the user and notification rows the consumer needs, then timed from
 * commit to the CDC topic, the routed topic and SENT.
 */
export async function runCdcLatency(context: BenchContext, { ratePerSecond, durationMs, drainTimeoutMs, variant }: LatencyScenario): Promise<LatencyRun> {
  const { db, watches, tag, progress } = context;
  const count = plannedCount(ratePerSecond, durationMs);
  const dlqBefore = dlqCount(context);
  const variantDlqBefore = variant?.dlq.records() ?? 0;
  progress(`cdc latency ${ratePerSecond}/s: writing ${count} registrations`);
  const eventIdOfUser = new Map<string, string>();
  const writes = await runPacedWrites({
    count,
    ratePerSecond,
    maxInFlight: databaseWritesInFlight,
    write: async (index) => {
      const registration = syntheticRegistration(`${tag}-l${ratePerSecond}`, index);
      eventIdOfUser.set(registration.userId, registration.eventId);
      await db.transaction().execute((trx) => writeRegistration(trx, registration));
      return registration.userId;
    },
    onProgress: (written) => progress(`  written ${written}/${count}`),
  });
  throwOnFailedWrites(writes);
  const { ids, commits } = writes;
  progress(`  achieved ${writes.achievedRatePerSecond.toFixed(0)}/s; waiting for the pipeline`);
  const guard = deadLetterStop(ids, watches.dlq.sightings);
  await watches.cdc.waitFor(ids, drainTimeoutMs, undefined, guard);
  await watches.routed.waitFor(ids, drainTimeoutMs, (seen) => progress(`  routed ${seen}/${ids.length}`), guard);
  // With a variant pipeline, both notifiers write sent_at: each one's own inbox row says when it did.
  const sentAt =
    variant === undefined
      ? await waitForSent(db, ids, { timeoutMs: drainTimeoutMs, onProgress: (sent) => progress(`  SENT ${sent}/${ids.length}`), guard })
      : await waitForInbox(db, context.config.NOTIFIER_INBOX_HANDLER, eventIdOfUser, { timeoutMs: drainTimeoutMs, guard });
  const variantSent = variant === undefined ? undefined : await waitForInbox(db, variant.handler, eventIdOfUser, { timeoutMs: drainTimeoutMs });
  const cdc = watches.cdc.sightings;
  const routed = watches.routed.sightings;
  const commit = (id: string) => commits.get(id);
  const endPoints: Record<string, ReadonlyMap<string, unknown>> = { cdc, routed, sent: sentAt };
  let deadLettered: ReadonlySet<string> | ReadonlyMap<string, unknown> = watches.dlq.sightings;
  if (variant !== undefined && variantSent !== undefined) {
    Object.assign(endPoints, { variantCdc: variant.watch.sightings, variantRouted: variant.routed.sightings, variantSent });
    deadLettered = new Set(ids.filter((id) => watches.dlq.sightings.has(id) || variant.dlq.sightings.has(id)));
  }
  const loss = checkLoss(ids, endPoints, deadLettered, dlqCount(context) - dlqBefore + (variant === undefined ? 0 : variant.dlq.records() - variantDlqBefore));
  const run: LatencyRun = {
    path: 'cdc',
    targetRatePerSecond: ratePerSecond,
    achievedRatePerSecond: Math.round(writes.achievedRatePerSecond),
    events: ids.length,
    hops: [
      measureHop(hops.cdcArrival, ids, commit, (id) => cdc.get(id)?.arrivalMs),
      measureHop(hops.cdcTimestamp, ids, commit, (id) => cdc.get(id)?.timestampMs),
      measureHop(hops.routedArrival, ids, commit, (id) => routed.get(id)?.arrivalMs),
      measureHop(hops.sent, ids, commit, (id) => sentAt.get(id)),
      ...(variant === undefined || variantSent === undefined
        ? []
        : [
            measureHop(hops.variantArrival, ids, commit, (id) => variant.watch.sightings.get(id)?.arrivalMs),
            measureHop(hops.variantRouted, ids, commit, (id) => variant.routed.sightings.get(id)?.arrivalMs),
            measureHop(hops.variantSent, ids, commit, (id) => variantSent.get(id)),
          ]),
      measureHop(
        stageHops.walToCdc,
        ids,
        (id) => cdc.get(id)?.sourceTsMs,
        (id) => cdc.get(id)?.arrivalMs,
      ),
      measureHop(
        stageHops.router,
        ids,
        (id) => cdc.get(id)?.arrivalMs,
        (id) => routed.get(id)?.arrivalMs,
      ),
      measureHop(
        stageHops.notifier,
        ids,
        (id) => routed.get(id)?.arrivalMs,
        (id) => sentAt.get(id),
      ),
    ],
    loss,
  };
  if (loss.ok) await removeBenchRows(db, ids);
  return run;
}

import { createApp } from '../../service/http/app.ts';
import { startServer } from '../../service/http/server.ts';
import { createLogger } from '../../service/logger.ts';
import { describeHashParams, hashPassword } from '../../service/users/password-hash.ts';
import { hashParamsOf } from '../../service/users/password-hashing.ts';
import { type BenchContext, dlqCount } from './bench-context.ts';
import { removeBenchRows } from './cleanup.ts';
import { wallClockMs } from './commit-clock.ts';
import { deadLetterStop } from './dead-letter-stop.ts';
import { measureHashRate } from './hash-rate.ts';
import { measureHop } from './hop-result.ts';
import { hops } from './hops.ts';
import { checkLoss } from './loss-check.ts';
import { runPacedWrites, throwOnFailedWrites } from './paced-writes.ts';
import { plannedCount } from './rate-schedule.ts';
import type { BenchReport } from './report-schema.ts';
import { waitForSent } from './sent-watch.ts';

export interface HttpScenario {
  durationMs: number;
  drainTimeoutMs: number;
  /** Share of the measured hash rate to offer, so requests do not queue behind the KDF. */
  loadShare: number;
}

/**
 * Real registrations through the real HTTP API (in this process, on an ephemeral port) with the
 * configured password hashing (unqueued, no rate limit), at a rate the KDF sustains here. The server cannot tell the bench
 * when its COMMIT returned, so hops start at the request or at the 201 (commit + response).
 */
export async function runHttpLatency(
  context: BenchContext,
  { durationMs, drainTimeoutMs, loadShare }: HttpScenario,
): Promise<NonNullable<BenchReport['http']>> {
  const { config, db, watches, tag, progress } = context;
  const params = hashParamsOf(config);
  const hashing = describeHashParams(params);
  progress(`http: measuring ${hashing} hashes per second`);
  const hashesPerSecond = await measureHashRate(params);
  const ratePerSecond = Math.max(0.5, Math.round(hashesPerSecond * loadShare * 10) / 10);
  progress(`  ${hashesPerSecond.toFixed(1)} hashes/s; registering at ${ratePerSecond}/s`);

  const logger = createLogger('silent');
  const app = createApp({ db, logger, hashPassword: (password) => hashPassword(password, params) });
  const server = await startServer(app, { host: '127.0.0.1', port: 0, logger, shutdownTimeoutMs: 5_000 });
  const requestedAt = new Map<string, number>();
  const dlqBefore = dlqCount(context);
  const count = plannedCount(ratePerSecond, durationMs);
  let writes: Awaited<ReturnType<typeof runPacedWrites>>;
  try {
    writes = await runPacedWrites({
      count,
      ratePerSecond,
      write: async (index) => {
        const sentAt = wallClockMs();
        const response = await fetch(`http://127.0.0.1:${server.port}/api/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `bench-${tag}-http-${index}@bench.example.com`, password: `bench password ${index}` }),
        });
        const body = (await response.json()) as { id?: string };
        if (response.status !== 201 || typeof body.id !== 'string')
          throw new Error(`registration answered ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
        requestedAt.set(body.id, sentAt);
        return body.id;
      },
    });
  } finally {
    await server.close();
  }
  throwOnFailedWrites(writes);
  const { ids, commits: respondedAt } = writes;
  progress(`  ${ids.length} registered at ${writes.achievedRatePerSecond.toFixed(1)}/s; waiting for SENT`);
  const guard = deadLetterStop(ids, watches.dlq.sightings);
  await watches.routed.waitFor(ids, drainTimeoutMs, undefined, guard);
  const sentAt = await waitForSent(db, ids, { timeoutMs: drainTimeoutMs, guard });
  const cdc = watches.cdc.sightings;
  const loss = checkLoss(ids, { cdc, routed: watches.routed.sightings, sent: sentAt }, watches.dlq.sightings, dlqCount(context) - dlqBefore);
  const requested = (id: string) => requestedAt.get(id);
  const responded = (id: string) => respondedAt.get(id);
  const run = {
    path: 'http' as const,
    targetRatePerSecond: ratePerSecond,
    achievedRatePerSecond: Math.round(writes.achievedRatePerSecond * 10) / 10,
    events: ids.length,
    hops: [
      measureHop(hops.httpRequest, ids, requested, responded),
      measureHop(hops.httpResponseToCdc, ids, responded, (id) => cdc.get(id)?.arrivalMs),
      measureHop(hops.httpResponseToSent, ids, responded, (id) => sentAt.get(id)),
      measureHop(hops.httpRequestToSent, ids, requested, (id) => sentAt.get(id)),
    ],
    loss,
  };
  if (loss.ok) await removeBenchRows(db, ids);
  return { hashing, hashesPerSecond: Math.round(hashesPerSecond * 100) / 100, run };
}

import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { rebuildRegistrations } from '../../service/projection/rebuild-registrations.ts';
import { waitFor } from '../../service/wait-for.ts';
import type { BenchContext } from './bench-context.ts';
import { databaseWritesInFlight } from './bench-context.ts';
import { bulkInsert } from './bulk-insert.ts';
import { runPacedWrites, throwOnFailedWrites } from './paced-writes.ts';
import { roundSummary, summarize } from './percentiles.ts';
import { batchRanges } from './rate-schedule.ts';
import type { ProjectionRun } from './report-schema.ts';
import { syntheticRegistration, writeRegistration } from './synthetic-registration.ts';

export interface ProjectionScenario {
  lagRatePerSecond: number;
  lagEvents: number;
  rebuildBurst: number;
  batchSize: number;
  drainTimeoutMs: number;
}

/**
 * The read side: the live projection's lag at a fixed registration rate, then a rebuild of the
 * projection from the whole routed topic (the stack's history plus a burst), timed by the rebuild.
 *
 * Lag is sampled from the projection's positions every 25 ms: for the newest event of each
 * applied batch, its commit (Debezium's source.ts_ms, the committed-at header) to the projector's
 * clock when it wrote the batch. Both clocks are this machine's.
 */
export async function runProjectionBench(context: BenchContext, scenario: ProjectionScenario): Promise<ProjectionRun> {
  const { db, config, tag, progress, watches } = context;
  const schema = config.PROJECTION_SCHEMA;
  const lags = new Map<string, number>();
  const sample = async () => {
    const { rows } = await sql<{ last_event_id: string | null; lag_ms: number | null }>`
      select last_event_id, extract(epoch from (applied_at - last_committed_at)) * 1000 as lag_ms
        from ${sql.id(schema, 'positions')} where topic = ${config.USER_REGISTRATION_TOPIC}`.execute(db);
    for (const row of rows) if (row.last_event_id !== null && row.lag_ms !== null) lags.set(row.last_event_id, Number(row.lag_ms));
  };
  // What the positions hold before the run (earlier runs, a rebuild's swap) is not this run's lag.
  await sample();
  const before = new Set(lags.keys());
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sample();
      await delay(25);
    }
  })();
  progress(`projection lag: ${scenario.lagEvents} registrations at ${scenario.lagRatePerSecond}/s`);
  const registrations = Array.from({ length: scenario.lagEvents }, (_, index) => syntheticRegistration(`${tag}-p`, index));
  const writes = await runPacedWrites({
    count: registrations.length,
    ratePerSecond: scenario.lagRatePerSecond,
    maxInFlight: databaseWritesInFlight,
    write: async (index) => {
      const registration = registrations[index]!;
      await db.transaction().execute((trx) => writeRegistration(trx, registration));
      return registration.userId;
    },
  });
  throwOnFailedWrites(writes);
  await projected(
    context,
    registrations.map((r) => r.userId),
    scenario.drainTimeoutMs,
  );
  sampling = false;
  await sampler;
  const samples = [...lags].filter(([id]) => !before.has(id)).map(([, ms]) => ms);

  progress(`projection rebuild: a burst of ${scenario.rebuildBurst} registrations first, then the whole topic`);
  const burst = Array.from({ length: scenario.rebuildBurst }, (_, index) => syntheticRegistration(`${tag}-r`, index));
  await bulkInsert(
    db,
    batchRanges(burst.length, scenario.batchSize).map(([from, to]) => burst.slice(from, to)),
    { table: 'outbox_events', withUsers: true, concurrency: 3 },
  );
  await watches.routed.waitFor(
    burst.map((r) => r.userId),
    scenario.drainTimeoutMs,
    (seen) => progress(`  routed ${seen}/${burst.length}`),
  );
  // The live projector first takes the burst in, so the rebuild runs alone and its swap need not wait for it.
  await projected(
    context,
    burst.map((r) => r.userId),
    scenario.drainTimeoutMs,
  );
  let lastProgress = 0;
  const rebuilt = await rebuildRegistrations({
    db,
    admin: context.admin,
    brokers: config.KAFKA_BROKERS,
    topic: config.USER_REGISTRATION_TOPIC,
    schema,
    restart: true,
    onProgress: ({ events, rate, remaining }) => {
      if (performance.now() - lastProgress < 2_000) return;
      lastProgress = performance.now();
      progress(`  rebuilt ${events}, ${remaining} to go, ${Math.round(rate)}/s`);
    },
  });
  return {
    lag: {
      targetRatePerSecond: scenario.lagRatePerSecond,
      achievedRatePerSecond: Math.round(writes.achievedRatePerSecond),
      events: registrations.length,
      commitToAppliedMs: roundSummary(summarize(samples)),
    },
    rebuild: {
      records: rebuilt.events,
      seconds: rebuilt.readSeconds,
      ratePerSecond: rebuilt.readSeconds > 0 ? rebuilt.events / rebuilt.readSeconds : 0,
      swapSeconds: rebuilt.seconds - rebuilt.readSeconds,
      comparison: rebuilt.comparison,
    },
  };
}

async function projected(context: BenchContext, userIds: readonly string[], timeoutMs: number): Promise<void> {
  const table = sql.id(context.config.PROJECTION_SCHEMA, 'registered_users');
  let seen = 0;
  await waitFor(
    async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${table} where user_id = any(${[...userIds]}::uuid[])`.execute(context.db);
      seen = rows[0]!.n;
      return seen === userIds.length;
    },
    { what: `${userIds.length} registrations in the projection`, timeoutMs, intervalMs: 100, hint: () => `${seen} were` },
  );
}

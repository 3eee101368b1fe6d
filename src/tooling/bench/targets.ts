import { hops } from './hops.ts';
import type { Flood, KafkaBaseline, LatencyRun, ProjectionRun, TargetResult, ThroughputRun, WriteOverhead } from './report-schema.ts';
import { stages } from './stage-rate.ts';

/** The issue's targets for a 2-core machine with everything local. */
export const targets = {
  sentAt200: { ratePerSecond: 200, p50Ms: 50, p99Ms: 250 },
  relayEventsPerSecond: 5_000,
  writeOverheadPercent: 10,
  // The issue's flood: shed registrations and liveness answered within this, however many wait.
  floodShedP99Ms: 50,
  floodHealthzMaxMs: 50,
  /** Accepted p99 may reach (HASH_QUEUE_MAX / HASH_CONCURRENCY + 1) registrations, times this for a shared machine. */
  floodAcceptedSlack: 2,
  /** The issue's rebuild rate for the registrations projection. */
  rebuildRecordsPerSecond: 20_000,
} as const;

export interface TargetInputs {
  latency: readonly LatencyRun[];
  throughput: readonly ThroughputRun[];
  writeOverhead: WriteOverhead | null;
  kafkaBaseline?: KafkaBaseline | null;
  flood?: Flood | null;
  projection?: ProjectionRun | null;
}

/** Each target with what was measured; met is null when the run did not measure it (quick mode). */
export function evaluateTargets({ latency, throughput, writeOverhead, flood, projection }: TargetInputs): TargetResult[] {
  const results: TargetResult[] = [];

  if (projection !== undefined && projection !== null) {
    results.push({
      name: `projection rebuild (${projection.rebuild.records} records)`,
      target: `>= ${targets.rebuildRecordsPerSecond} records/s`,
      measured: `${Math.round(projection.rebuild.ratePerSecond)} records/s`,
      met: projection.rebuild.ratePerSecond >= targets.rebuildRecordsPerSecond,
    });
  }

  const at200 = latency.find((run) => run.path === 'cdc' && run.targetRatePerSecond === targets.sentAt200.ratePerSecond);
  const sent = at200?.hops.find((hop) => hop.hop === hops.sent)?.summary;
  results.push({
    name: 'commit -> SENT at 200/s',
    target: `p50 <= ${targets.sentAt200.p50Ms} ms, p99 <= ${targets.sentAt200.p99Ms} ms`,
    measured: sent === undefined ? 'not measured at 200/s' : `p50 ${ms(sent.p50)}, p99 ${ms(sent.p99)}${at200!.loss.ok ? '' : ', LOSS'}`,
    met:
      sent === undefined || sent.p50 === null || sent.p99 === null
        ? null
        : sent.p50 <= targets.sentAt200.p50Ms && sent.p99 <= targets.sentAt200.p99Ms && at200!.loss.ok,
  });

  const cdcThroughput = throughput.find((run) => run.path === 'cdc');
  if (cdcThroughput === undefined) {
    results.push({ name: 'relay throughput', target: `>= ${targets.relayEventsPerSecond} events/s, zero loss`, measured: 'not measured', met: null });
  } else {
    // The relay is Debezium plus the router; the insert and notifier stages are reported, not judged.
    const relay = cdcThroughput.stages.filter((stage) => stage.stage === stages.debezium || stage.stage === stages.router);
    const slowest = relay.length === 0 ? 0 : Math.min(...relay.map((stage) => stage.ratePerSecond));
    const detail = relay.map((stage) => `${stage.stage} ${Math.round(stage.ratePerSecond)}/s`).join(', ');

    results.push({
      name: `relay throughput (${cdcThroughput.events} events)`,
      target: `>= ${targets.relayEventsPerSecond} events/s, zero loss`,
      measured: `${detail}${cdcThroughput.loss.ok ? ', no loss' : ', LOSS'}`,
      met: slowest >= targets.relayEventsPerSecond && cdcThroughput.loss.ok,
    });
  }

  results.push({
    name: 'outbox write overhead',
    target: `<= ${targets.writeOverheadPercent}%`,
    measured:
      writeOverhead === null
        ? 'not measured'
        : `${writeOverhead.atRate.overheadPercent.toFixed(1)}% at ${writeOverhead.atRate.ratePerSecond}/s (insert alone ${writeOverhead.atRate.unpublishedOverheadPercent.toFixed(1)}%); saturated ${writeOverhead.saturated.overheadPercent.toFixed(1)}%`,
    // Judged at the fixed rate: what a registration pays; saturation is reported beside it.
    met: writeOverhead === null ? null : writeOverhead.atRate.overheadPercent <= targets.writeOverheadPercent,
  });

  for (const polling of latency.filter((run) => run.path === 'polling')) {
    const cdc = latency.find((run) => run.path === 'cdc' && run.targetRatePerSecond === polling.targetRatePerSecond);
    const cdcP99 = cdc?.hops.find((hop) => hop.hop === hops.cdcArrival)?.summary.p99;
    const pollingP99 = polling.hops.find((hop) => hop.hop === hops.pollingArrival)?.summary.p99;
    const measured = cdcP99 === undefined || pollingP99 === undefined ? 'missing a side' : `CDC ${ms(cdcP99)} vs polling ${ms(pollingP99)}`;
    results.push({
      name: `relay p99, CDC vs polling at ${polling.targetRatePerSecond}/s`,
      target: 'CDC p99 < polling p99',
      measured,
      met: cdcP99 === undefined || pollingP99 === undefined || cdcP99 === null || pollingP99 === null ? null : cdcP99 < pollingP99,
    });
  }
  if (flood !== undefined && flood !== null) results.push(...floodTargets(flood));
  return results;
}

function floodTargets(flood: Flood): TargetResult[] {
  const { accepted, shed, healthz } = flood;
  const registrations = flood.hashQueueMax / flood.hashConcurrency + 1;
  // The fastest accepted registration waited for nothing: it is one registration's time under this load.
  const bound = accepted.min === null ? null : registrations * accepted.min * targets.floodAcceptedSlack;
  return [
    {
      name: `flood of ${flood.requests}: shed registrations (503)`,
      target: `p99 < ${targets.floodShedP99Ms} ms`,
      measured:
        shed.count === 0
          ? 'none shed'
          : `${shed.count} shed, p99 ${ms(shed.p99)}, max ${ms(shed.max)}${flood.floor === undefined ? '' : `; bare node:http floor p99 ${ms(flood.floor.answered.p99)}`}`,
      met: shed.count === 0 || shed.p99 === null ? null : shed.p99 < targets.floodShedP99Ms,
    },
    {
      name: `flood of ${flood.requests}: /healthz throughout`,
      target: `max < ${targets.floodHealthzMaxMs} ms`,
      measured: `${healthz.count} answered, p50 ${ms(healthz.p50)}, p99 ${ms(healthz.p99)}, max ${ms(healthz.max)}; ${flood.healthzFailures} failed`,
      met: healthz.max === null ? null : healthz.max < targets.floodHealthzMaxMs && flood.healthzFailures === 0,
    },
    {
      name: `flood of ${flood.requests}: every registration answered`,
      target: '201 or 503, no connection refused or reset',
      measured: Object.entries(flood.statuses)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', '),
      met: (flood.statuses['no answer'] ?? 0) === 0,
    },
    {
      name: `flood of ${flood.requests}: accepted registrations (201)`,
      target: `p99 bounded: <= (queue ${flood.hashQueueMax} / ${flood.hashConcurrency} + 1) x fastest x ${targets.floodAcceptedSlack}`,
      measured: `${accepted.count} accepted, p50 ${ms(accepted.p50)}, p99 ${ms(accepted.p99)}; bound ${ms(bound)}`,
      met: bound === null || accepted.p99 === null ? null : accepted.p99 <= bound,
    },
    {
      name: `flood of ${flood.requests}: no partial rows`,
      target: 'each accepted registration whole, nothing for the shed',
      measured: `${flood.rows.accepted} accepted: ${flood.rows.users} users, ${flood.rows.notifications} notifications, ${flood.rows.outboxEvents} events`,
      met: flood.rows.ok,
    },
  ];
}

function ms(value: number | null): string {
  return value !== null && Number.isFinite(value) ? `${Math.round(value * 10) / 10} ms` : 'n/a';
}

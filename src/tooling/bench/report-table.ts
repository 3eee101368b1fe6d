import { describeSettings } from './connector-settings.ts';
import { type Cell, formatTable } from './format-table.ts';
import type { BenchReport, LatencyRun } from './report-schema.ts';
import { renderTopologies } from './topologies-table.ts';

/** The terminal view of a report: one table per measurement, then the targets and the verdict. */
export function renderReportTables(report: BenchReport): string {
  const sections: string[] = [];
  const latencyRuns: LatencyRun[] = [...report.latency, ...(report.http?.run ? [report.http.run] : [])];
  if (latencyRuns.length > 0) {
    const rows: Cell[][] = [];
    for (const run of latencyRuns) {
      for (const hop of run.hops) {
        const { count, p50, p95, p99, max } = hop.summary;
        rows.push([run.path, `${run.targetRatePerSecond}/${run.achievedRatePerSecond}`, hop.hop, count, p50, p95, p99, max, run.loss.ok ? 'ok' : 'LOSS']);
      }
    }
    sections.push(`Latency (ms; rate = target/achieved per s)\n${formatTable(['path', 'rate', 'hop', 'n', 'p50', 'p95', 'p99', 'max', 'loss'], rows)}`);
  }
  if (report.http !== null) sections.push(`HTTP: ${report.http.hashing} allows ${report.http.hashesPerSecond} registrations/s on this machine`);
  if (report.hashingCost.length > 0) {
    const rows = report.hashingCost.map((run): Cell[] => [
      run.hashing,
      run.clients,
      run.registrations,
      run.registrationsPerSecond,
      run.latency.p50,
      run.latency.p99,
      run.latency.max,
    ]);
    sections.push(
      `Hashing cost (an api-server process, HASH_CONCURRENCY clients in a closed loop; request -> 201 in ms)\n${formatTable(['hashing', 'clients', 'n', 'per s', 'p50', 'p99', 'max'], rows)}`,
    );
  }
  if (report.flood !== null) {
    const flood = report.flood;
    const rows = (
      [
        ['accepted (201)', flood.accepted],
        ['shed (503)', flood.shed],
        ['/healthz meanwhile', flood.healthz],
        ...(flood.floor === undefined ? [] : [['floor: bare node:http 503', flood.floor.answered] as const]),
      ] as const
    ).map(([name, summary]): Cell[] => [name, summary.count, summary.p50, summary.p99, summary.max]);
    const statuses = Object.entries(flood.statuses)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ');
    sections.push(
      `Flood (${flood.requests} registrations at once; ${flood.hashing}, HASH_CONCURRENCY ${flood.hashConcurrency}, HASH_QUEUE_MAX ${flood.hashQueueMax}; ms)\n` +
        `${formatTable(['answer', 'n', 'p50', 'p99', 'max'], rows)}\n` +
        `statuses ${statuses}; rows: ${flood.rows.users} users, ${flood.rows.notifications} notifications, ${flood.rows.outboxEvents} events for ${flood.rows.accepted} accepted (${flood.rows.ok ? 'whole' : 'PARTIAL'})` +
        (flood.cpuMs === undefined
          ? ''
          : `\nCPU during the flood: api-server ${Math.round(flood.cpuMs.server)} ms (its event loop thread ${Math.round(flood.cpuMs.serverEventLoop)} ms), client (a process of its own) ${Math.round(flood.cpuMs.client)} ms`),
    );
  }
  if (report.throughput.length > 0) {
    const rows = report.throughput.flatMap((run) =>
      run.stages.map((stage): Cell[] => [run.path, run.events, stage.stage, stage.events, stage.seconds, stage.ratePerSecond, run.loss.ok ? 'ok' : 'LOSS']),
    );
    sections.push(
      `Throughput (burst of N, batches of ${report.throughput[0]!.batchSize})\n${formatTable(['path', 'N', 'stage', 'events', 'seconds', 'events/s', 'loss'], rows)}`,
    );
  }
  if (report.writeOverhead !== null) {
    const overhead = report.writeOverhead;
    const rows: Cell[][] = [];
    for (const [load, comparison] of [
      [`${overhead.atRate.ratePerSecond}/s`, overhead.atRate],
      [`${overhead.saturated.concurrency} clients`, overhead.saturated],
    ] as const) {
      for (const [name, variant] of [
        ['without outbox insert', comparison.without],
        ['outbox row, unpublished table', comparison.unpublished],
        ['with outbox insert (live)', comparison.with],
      ] as const) {
        rows.push([load, name, variant.transactions, variant.transactionsPerSecond, variant.latency.mean, variant.latency.p50, variant.latency.p99]);
      }
    }
    const verdict = (comparison: Pick<typeof overhead.atRate, 'overheadPercent' | 'unpublishedOverheadPercent' | 'throughputLossPercent'>) =>
      `${comparison.overheadPercent}% (insert alone ${comparison.unpublishedOverheadPercent}%), throughput ${-comparison.throughputLossPercent}%`;
    sections.push(
      `Write overhead (${overhead.rounds} alternating rounds; hashing ${overhead.hashing})\n` +
        `${formatTable(['load', 'registration transaction', 'n', 'per s', 'mean ms', 'p50', 'p99'], rows)}\n` +
        `overhead, mean transaction time: at ${overhead.atRate.ratePerSecond}/s ${verdict(overhead.atRate)}; at ${overhead.saturated.concurrency} clients ${verdict(overhead.saturated)}`,
    );
  }
  if (report.observability.length > 0) {
    const rows = report.observability.map((run): Cell[] => [
      run.variant,
      run.round,
      run.latency.summary.count,
      run.latency.summary.p50,
      run.latency.summary.p99,
      run.router.ratePerSecond,
      run.notifier.ratePerSecond,
      run.cpuMsPerThousand,
      run.scrapes,
      run.spanExports,
      run.delivered ? 'ok' : 'LOSS',
    ]);
    sections.push(
      `Cost of metrics and tracing in the kafka-consumer (commit -> SENT at ${report.observability[0]!.ratePerSecond}/s in ms; drain of a burst in events/s)\n${formatTable(
        ['variant', 'round', 'n', 'p50', 'p99', 'router/s', 'notifier/s', 'CPU ms/1000', 'scrapes', 'span POSTs', 'loss'],
        rows,
      )}`,
    );
  }
  for (const run of report.pipelineDrain) {
    const cpu = (ms: number | null) => (ms === null ? 'n/a' : `${ms} ms`);
    sections.push(
      `Pipeline drain, ${describeSettings(run.connector)}: Debezium held while ${run.events} registrations committed, then released (CPU per 1,000 over the drain: Connect ${cpu(run.cpuMsPerThousand.connect)}, PostgreSQL walsender ${cpu(run.cpuMsPerThousand.walSender)}, kafka-consumer ${cpu(run.cpuMsPerThousand.kafkaConsumer)}, polling relay ${cpu(run.cpuMsPerThousand.pollingRelay)})\n${formatTable(
        ['stage', 'events', 'seconds', 'events/s', 'loss'],
        run.stages.map((stage): Cell[] => [stage.stage, stage.events, stage.seconds, stage.ratePerSecond, run.loss.ok ? 'ok' : 'LOSS']),
      )}`,
    );
  }
  if (report.notifierDrain.length > 0) {
    const rows = report.notifierDrain.map((run): Cell[] => [
      run.batchMax,
      run.round,
      run.events,
      run.notifier.seconds,
      run.notifier.ratePerSecond,
      run.cpuMsPerThousand,
      run.delivered ? 'ok' : 'LOSS',
    ]);
    sections.push(
      `Notifier draining a backlog alone (records/s, inbox processed_at first to last; CPU of the notifier process)\n${formatTable(
        ['NOTIFIER_BATCH_MAX', 'round', 'n', 'seconds', 'records/s', 'CPU ms/1000', 'loss'],
        rows,
      )}`,
    );
  }
  if (report.routerDrain.length > 0) {
    const rows = report.routerDrain.map((run): Cell[] => [
      run.variant,
      run.round,
      run.events,
      run.router.seconds,
      run.router.ratePerSecond,
      run.cpuMsPerThousand,
      run.delivered ? 'ok' : 'LOSS',
    ]);
    sections.push(
      `Router draining a backlog alone (records/s, routed records' timestamps first to last; CPU of the router process)\n${formatTable(
        ['producer', 'round', 'n', 'seconds', 'records/s', 'CPU ms/1000', 'loss'],
        rows,
      )}`,
    );
  }
  if (report.projection !== null) {
    const { lag, rebuild } = report.projection;
    const at = lag.commitToAppliedMs;
    sections.push(
      `Read side (the registrations projection)\n${formatTable(
        ['measure', 'result'],
        [
          [
            `commit -> applied at ${lag.targetRatePerSecond}/s (achieved ${lag.achievedRatePerSecond}/s, ${at.count} batches)`,
            `p50 ${at.p50} ms, p99 ${at.p99} ms, max ${at.max} ms`,
          ],
          [
            `rebuild from the whole topic (${rebuild.records} records)`,
            `${Math.round(rebuild.ratePerSecond)} records/s (${rebuild.seconds.toFixed(1)} s), swap ${rebuild.swapSeconds.toFixed(1)} s; live before the swap: ${rebuild.comparison}`,
          ],
        ],
      )}`,
    );
  }
  if (report.topologies !== null) sections.push(renderTopologies(report.topologies));
  if (report.kafkaBaseline !== null) {
    const base = report.kafkaBaseline;
    sections.push(
      `Kafka baseline (same client, ${base.records} records of ${base.valueBytes} B, no PostgreSQL or Debezium)\n` +
        formatTable(
          ['step', 'seconds', 'records/s', 'MiB/s'],
          [
            ['produce', base.produce.seconds, base.produce.ratePerSecond, base.produce.mibPerSecond],
            ['consume', base.consume.seconds, base.consume.ratePerSecond, base.consume.mibPerSecond],
          ],
        ),
    );
  }
  if (report.targets.length > 0) {
    const rows = report.targets.map((target): Cell[] => [
      target.name,
      target.target,
      target.measured,
      target.met === null ? 'n/a' : target.met ? 'met' : 'MISSED',
    ]);
    sections.push(`Targets\n${formatTable(['target', 'wanted', 'measured', ''], rows)}`);
  }
  sections.push(`Zero loss: ${zeroLossVerdict(report)}`);
  if (report.problems.length > 0) sections.push(`Problems:\n${report.problems.map((problem) => `  - ${problem}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}

/**
 * A step that failed before its loss check (a dead-lettered event, a timeout) proves nothing about
 * its events: "yes" is said only when every step finished and every check passed.
 */
export function zeroLossVerdict(report: Pick<BenchReport, 'zeroLoss' | 'problems'>): string {
  if (!report.zeroLoss) return 'NO (see the loss columns)';
  if (report.problems.length > 0) return `not established: ${report.problems.length} step(s) failed before their check (see Problems)`;
  return 'yes, every event reached its end and none was dead-lettered';
}

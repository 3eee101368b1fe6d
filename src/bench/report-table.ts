import { formatTable, type Cell } from './format-table.ts';
import type { BenchReport, LatencyRun } from './report-schema.ts';

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
  if (report.http !== null) sections.push(`HTTP: scrypt 2^${report.http.scryptLogN} allows ${report.http.hashesPerSecond} registrations/s on this machine`);
  if (report.throughput.length > 0) {
    const rows = report.throughput.flatMap((run) => run.stages.map((stage): Cell[] => [run.path, run.events, stage.stage, stage.events, stage.seconds, stage.ratePerSecond, run.loss.ok ? 'ok' : 'LOSS']));
    sections.push(`Throughput (burst of N, batches of ${report.throughput[0]!.batchSize})\n${formatTable(['path', 'N', 'stage', 'events', 'seconds', 'events/s', 'loss'], rows)}`);
  }
  if (report.writeOverhead !== null) {
    const overhead = report.writeOverhead;
    const row = (name: string, load: typeof overhead.withOutbox): Cell[] => [name, load.transactions, load.transactionsPerSecond, load.latency.mean, load.latency.p50, load.latency.p99];
    sections.push(
      `Write overhead (${overhead.concurrency} clients, ${overhead.rounds} alternating rounds; ${overhead.hashing})\n` +
        `${formatTable(['registration transaction', 'n', 'per s', 'mean', 'p50', 'p99'], [row('without outbox insert', overhead.withoutOutbox), row('outbox row, unpublished table', overhead.unpublishedOutbox), row('with outbox insert (live)', overhead.withOutbox)])}\n` +
        `overhead: ${overhead.overheadPercent}% mean transaction time (${overhead.throughputLossPercent}% throughput); the insert alone (unpublished table): ${overhead.unpublishedOverheadPercent}%`,
    );
  }
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
    const rows = report.targets.map((target): Cell[] => [target.name, target.target, target.measured, target.met === null ? 'n/a' : target.met ? 'met' : 'MISSED']);
    sections.push(`Targets\n${formatTable(['target', 'wanted', 'measured', ''], rows)}`);
  }
  sections.push(`Zero loss: ${report.zeroLoss ? 'yes, every event reached its end and none was dead-lettered' : 'NO (see the loss columns)'}`);
  if (report.problems.length > 0) sections.push(`Problems:\n${report.problems.map((problem) => `  - ${problem}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}

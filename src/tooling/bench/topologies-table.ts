import { type Cell, formatTable } from './format-table.ts';
import { hops } from './hops.ts';
import type { TopologiesRun } from './report-schema.ts';

const ratioText = (ratio: number | null) => (ratio === null ? '-' : `x${ratio.toFixed(2)}`);

/**
 * The terminal view of the topologies scenario: each round's commit -> SENT and RSS in the order
 * they ran, every hop pooled per topology, and the cluster's cost relative to the single node.
 */
export function renderTopologies(run: TopologiesRun): string {
  const sentOf = (round: TopologiesRun['rounds'][number]) => round.run.hops.find((hop) => hop.hop === hops.sent)?.summary;
  const rounds = run.rounds.map((round): Cell[] => {
    const sent = sentOf(round);
    return [
      round.round,
      round.topology,
      `${round.run.targetRatePerSecond}/${round.run.achievedRatePerSecond}`,
      sent?.count,
      sent?.p50,
      sent?.p95,
      sent?.p99,
      sent?.max,
      round.rss.totalMiB,
      round.run.loss.ok ? 'ok' : 'LOSS',
    ];
  });
  const pooled = run.summary.flatMap((topology) =>
    topology.hops.map((hop): Cell[] => [
      topology.topology,
      hop.hop,
      hop.summary.count,
      hop.summary.p50,
      hop.summary.p95,
      hop.summary.p99,
      hop.summary.max,
      topology.rounds === 0 ? 'not run' : topology.lossOk ? 'ok' : 'LOSS',
    ]),
  );
  const memory = run.summary
    .map((topology) => {
      const last = run.rounds.filter((round) => round.topology === topology.topology).at(-1);
      const detail = last?.rss.processes.map((process) => `${process.name} ${Math.round(process.rssMiB)}`).join(', ') ?? 'not measured';
      return `${topology.topology} ${topology.peakRssMiB === null ? '-' : Math.round(topology.peakRssMiB)} MiB (${detail})`;
    })
    .join('; ');
  const { sentRatio } = run;
  const start = run.clusterStartSeconds === null ? '' : `; the cluster started in ${run.clusterStartSeconds} s`;
  return [
    `Topologies: single node vs cluster (3 KRaft nodes, 2 Connect workers, 2 kafka-consumers) started beside it; commit at ${run.ratePerSecond}/s, rounds of ${run.roundDurationMs / 1000} s alternating${start}`,
    formatTable(['round', 'topology', 'rate', 'n', 'SENT p50', 'p95', 'p99', 'max', 'RSS MiB', 'loss'], rounds),
    '',
    'Pooled per topology (ms)',
    formatTable(['topology', 'hop', 'n', 'p50', 'p95', 'p99', 'max', 'loss'], pooled),
    `cluster / single, commit -> SENT: p50 ${ratioText(sentRatio.p50)}, p95 ${ratioText(sentRatio.p95)}, p99 ${ratioText(sentRatio.p99)}, max ${ratioText(sentRatio.max)}`,
    `RSS, largest total after a round (MiB, PostgreSQL not counted: both share it): ${memory}`,
  ].join('\n');
}

import { hops } from './hops.ts';
import type { Hop, TopologiesRun, TopologyRound, TopologySummary } from './report-schema.ts';

export type MeasuredTopology = 'single' | 'cluster';

/**
 * The order of the runs: single then cluster in odd rounds, cluster then single in even ones
 * (ABBA...), so a drift of the machine's load over the run favours neither topology.
 */
export function topologyOrder(rounds: number): Array<{ round: number; topology: MeasuredTopology }> {
  const order: Array<{ round: number; topology: MeasuredTopology }> = [];
  for (let round = 1; round <= rounds; round++) {
    const pair: MeasuredTopology[] = round % 2 === 1 ? ['single', 'cluster'] : ['cluster', 'single'];
    for (const topology of pair) order.push({ round, topology });
  }
  return order;
}

const tenth = (value: number) => Math.round(value * 10) / 10;

/**
 * One hop over several runs. The runs keep no raw samples, only 101 nearest-rank percentiles each:
 * every point stands for count/101 samples, and the pooled percentiles are nearest-rank over those
 * weighted points, so they are within one percentile step of the exact ones. count, min and max are
 * exact; the mean is the count-weighted mean.
 */
export function poolHops(runs: readonly Hop[]): Hop {
  const hop = runs[0]?.hop ?? '';
  const measured = runs.filter((run) => run.summary.count > 0 && run.distribution !== null);
  const count = measured.reduce((sum, run) => sum + run.summary.count, 0);
  if (count === 0) return { hop, summary: { count: 0, min: null, mean: null, p50: null, p95: null, p99: null, max: null }, distribution: null };
  const points = measured.flatMap((run) => run.distribution!.map((value) => ({ value, weight: run.summary.count / 101 }))).sort((a, b) => a.value - b.value);
  const total = points.reduce((sum, point) => sum + point.weight, 0);
  const at = (p: number) => {
    if (p <= 0) return points[0]!.value;
    let cumulative = 0;
    for (const point of points) {
      cumulative += point.weight;
      // A relative epsilon: the weights' float sum must not skip the point that reaches p exactly.
      if (cumulative >= (p / 100) * total * (1 - 1e-12)) return point.value;
    }
    return points[points.length - 1]!.value;
  };
  const exact = (pick: (values: number[]) => number, field: 'min' | 'max') => pick(measured.map((run) => run.summary[field]!).filter(Number.isFinite));
  const mean = measured.reduce((sum, run) => sum + (run.summary.mean ?? 0) * run.summary.count, 0) / count;
  const distribution = Array.from({ length: 101 }, (_, p) =>
    p === 0 ? exact((v) => Math.min(...v), 'min') : p === 100 ? exact((v) => Math.max(...v), 'max') : at(p),
  );
  return {
    hop,
    summary: { count, min: distribution[0]!, mean: tenth(mean), p50: at(50), p95: at(95), p99: at(99), max: distribution[100]! },
    distribution,
  };
}

/** Per topology: every hop pooled over its rounds, the loss verdict of all of them, the largest RSS seen. */
export function summarizeTopology(topology: MeasuredTopology, rounds: readonly TopologyRound[]): TopologySummary {
  const own = rounds.filter((round) => round.topology === topology);
  const names = [...new Set(own.flatMap((round) => round.run.hops.map((hop) => hop.hop)))];
  return {
    topology,
    rounds: own.length,
    events: own.reduce((sum, round) => sum + round.run.events, 0),
    hops: names.map((name) => poolHops(own.flatMap((round) => round.run.hops.filter((hop) => hop.hop === name)))),
    peakRssMiB: own.length === 0 ? null : Math.max(...own.map((round) => round.rss.totalMiB)),
    lossOk: own.length > 0 && own.every((round) => round.run.loss.ok),
  };
}

/** Cluster over single of a summary field; null where either side has no figure or single's is 0. */
function ratio(cluster: number | null | undefined, single: number | null | undefined): number | null {
  if (cluster === null || cluster === undefined || single === null || single === undefined || single === 0) return null;
  return Math.round((cluster / single) * 100) / 100;
}

/** The scenario's result from its rounds: the summaries, and cluster / single for commit -> SENT. */
export function compareTopologies(
  rounds: readonly TopologyRound[],
  { ratePerSecond, roundDurationMs, clusterStartSeconds }: { ratePerSecond: number; roundDurationMs: number; clusterStartSeconds: number | null },
): TopologiesRun {
  const summary = (['single', 'cluster'] as const).map((topology) => summarizeTopology(topology, rounds));
  const sent = (topology: TopologySummary) => topology.hops.find((hop) => hop.hop === hops.sent)?.summary;
  const [single, cluster] = summary.map(sent);
  return {
    ratePerSecond,
    roundDurationMs,
    clusterStartSeconds,
    rounds: [...rounds],
    summary,
    sentRatio: {
      p50: ratio(cluster?.p50, single?.p50),
      p95: ratio(cluster?.p95, single?.p95),
      p99: ratio(cluster?.p99, single?.p99),
      max: ratio(cluster?.max, single?.max),
    },
  };
}

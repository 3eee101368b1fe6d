import { hops } from './hops.ts';
import { type ChartSeries, renderLatencyChart } from './latency-chart.ts';
import type { BenchReport } from './report-schema.ts';

/** CDC against polling on the relay hop (commit -> topic), one colour per rate, polling dashed. */
export function relayChartSeries(report: BenchReport): ChartSeries[] {
  const rates = [...new Set(report.latency.map((run) => run.targetRatePerSecond))].sort((a, b) => a - b);
  const series: ChartSeries[] = [];
  rates.forEach((rate, colorIndex) => {
    const lines = [
      { path: 'cdc', hop: hops.cdcArrival, name: 'CDC' },
      { path: 'cdc', hop: hops.variantArrival, name: 'CDC variant' },
      { path: 'polling', hop: hops.pollingArrival, name: 'polling' },
    ] as const;
    for (const { path, hop, name } of lines) {
      const points = report.latency.find((run) => run.path === path && run.targetRatePerSecond === rate)?.hops.find((entry) => entry.hop === hop)?.distribution;
      if (points !== null && points !== undefined)
        series.push({ name: `${name} ${rate}/s`, points, dashed: path === 'polling', dotted: hop === hops.variantArrival, colorIndex });
    }
  });
  return series;
}

/** Every hop of the CDC pipeline at each rate: where commit -> SENT spends its time. */
export function pipelineChartSeries(report: BenchReport): ChartSeries[] {
  const series: ChartSeries[] = [];
  const cdcRuns = report.latency.filter((run) => run.path === 'cdc');
  cdcRuns.forEach((run, runIndex) => {
    for (const [hopIndex, hop] of [hops.cdcArrival, hops.routedArrival, hops.sent].entries()) {
      const points = run.hops.find((entry) => entry.hop === hop)?.distribution;
      if (points !== null && points !== undefined)
        series.push({
          name: `${run.targetRatePerSecond}/s ${hop.replace(/^commit -> /, '').replace(/ \(.*\)$/, '')}`,
          points,
          colorIndex: runIndex,
          dashed: hopIndex === 1,
          dotted: hopIndex === 2,
        });
    }
  });
  return series;
}

export function renderRelayChart(report: BenchReport): string {
  return renderLatencyChart(relayChartSeries(report), {
    title: 'Relay latency, commit -> record on Kafka: CDC (Debezium) vs polling',
    subtitle: `${report.mode} run ${report.startedAt}; solid = CDC (dbz topic), dashed = polling every ${report.settings.pollingIntervalMs} ms${
      report.connectorVariant === null
        ? ''
        : `, dotted = CDC with ${Object.entries(report.connectorVariant.overrides)
            .map(([key, value]) => `${key}=${value}`)
            .join(', ')}`
    }`,
  });
}

export function renderPipelineChart(report: BenchReport): string {
  return renderLatencyChart(pipelineChartSeries(report), {
    title: 'CDC pipeline latency from commit, per rate',
    subtitle: 'solid = dbz topic (Debezium), dashed = routed topic (router), dotted = SENT (notifier, sent_at)',
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hops } from './hops.ts';
import { distribution, roundSummary, summarize } from './percentiles.ts';
import { relayChartSeries, renderRelayChart } from './report-chart.ts';
import { type BenchReport, benchReportSchema, type LatencyRun } from './report-schema.ts';
import { renderReportTables } from './report-table.ts';
import { evaluateTargets } from './targets.ts';

const samples = (from: number) => Array.from({ length: 50 }, (_, i) => from + i);
const hop = (name: string, from: number) => ({ hop: name, summary: roundSummary(summarize(samples(from))), distribution: distribution(samples(from)) });
const loss = { expected: 50, delivered: { cdc: 50 }, dlqRecords: 0, ok: true };
const run = (path: LatencyRun['path'], rate: number, hopName: string, from: number): LatencyRun => ({
  path,
  targetRatePerSecond: rate,
  achievedRatePerSecond: rate,
  events: 50,
  hops: [hop(hopName, from)],
  loss,
});

function sampleReport(): BenchReport {
  const latency = [run('cdc', 50, hops.cdcArrival, 10), run('polling', 50, hops.pollingArrival, 40)];
  latency[0]!.hops.push(hop(hops.variantArrival, 5), { hop: hops.sent, summary: roundSummary(summarize([])), distribution: null });
  const report: BenchReport = {
    schemaVersion: 1,
    mode: 'quick',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:01:00.000Z',
    machine: { cpus: 2, cpuModel: 'x', memoryGiB: 24, node: 'v24', platform: 'linux' },
    method: ['m'],
    settings: { pollingIntervalMs: 100 },
    latency,
    http: null,
    throughput: [],
    writeOverhead: null,
    kafkaBaseline: null,
    hashingCost: [],
    flood: null,
    connectorVariant: { overrides: { 'poll.interval.ms': '10' } },
    observability: [],
    notifierDrain: [],
    routerDrain: [],
    pipelineDrain: [],
    projection: null,
    topologies: null,
    targets: [],
    problems: [],
    zeroLoss: true,
  };
  report.targets = evaluateTargets(report);
  return report;
}

test('the sample report is valid, empty hops included (null, not NaN)', () => {
  const report = sampleReport();
  assert.doesNotThrow(() => benchReportSchema.parse(JSON.parse(JSON.stringify(report))));
});

test('the table shows every hop, the targets and the verdict', () => {
  const text = renderReportTables(sampleReport());
  assert.match(text, /commit -> dbz topic \(arrival\)/);
  assert.match(text, /commit -> polling topic \(arrival\)/);
  assert.match(text, /relay p99, CDC vs polling at 50\/s .* met/);
  assert.match(text, /Zero loss: yes/);
});

test('a step that stopped before its loss check (a dead-lettered event) leaves zero loss not established', () => {
  const report = { ...sampleReport(), problems: ['pipeline drain (live settings): the event of user u1 was dead-lettered (TIMEOUT)'] };
  assert.match(renderReportTables(report), /Zero loss: not established: 1 step\(s\) failed before their check/);
  assert.match(renderReportTables({ ...report, zeroLoss: false }), /Zero loss: NO/);
});

test('the relay chart pairs CDC, the variant and polling per rate, polling dashed', () => {
  const series = relayChartSeries(sampleReport());
  assert.deepEqual(
    series.map((line) => line.name),
    ['CDC 50/s', 'CDC variant 50/s', 'polling 50/s'],
  );
  assert.equal(series[2]!.dashed, true);
  assert.equal(new Set(series.map((line) => line.colorIndex)).size, 1, 'one colour per rate');
  assert.match(renderRelayChart(sampleReport()), /dotted = CDC with poll.interval.ms=10/);
});

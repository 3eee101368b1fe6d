import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hops } from './hops.ts';
import type { LatencyRun, ThroughputRun } from './report-schema.ts';
import { evaluateTargets } from './targets.ts';

const summary = (p50: number, p99: number) => ({ count: 100, min: 1, mean: p50, p50, p95: p99, p99, max: p99 });
const okLoss = { expected: 100, delivered: { sent: 100 }, dlqRecords: 0, ok: true };
const run = (path: LatencyRun['path'], rate: number, hop: string, p50: number, p99: number): LatencyRun => ({
  path,
  targetRatePerSecond: rate,
  achievedRatePerSecond: rate,
  events: 100,
  hops: [{ hop, summary: summary(p50, p99), distribution: null }],
  loss: okLoss,
});

test('targets are judged on the matching run and hop', () => {
  const throughput: ThroughputRun[] = [
    {
      path: 'cdc',
      events: 1000,
      batchSize: 100,
      stages: [
        { stage: 'insert', events: 1000, seconds: 0.1, ratePerSecond: 10_000 },
        { stage: 'debezium', events: 1000, seconds: 0.15, ratePerSecond: 6_000 },
        { stage: 'router', events: 1000, seconds: 0.25, ratePerSecond: 4_000 },
      ],
      loss: okLoss,
    },
  ];
  const results = evaluateTargets({
    latency: [run('cdc', 200, hops.sent, 40, 200), run('cdc', 50, hops.cdcArrival, 10, 30), run('polling', 50, hops.pollingArrival, 60, 110)],
    throughput,
    writeOverhead: null,
  });
  const byName = new Map(results.map((result) => [result.name, result]));
  assert.equal(byName.get('commit -> SENT at 200/s')?.met, true);
  assert.equal(byName.get('relay throughput (1000 events)')?.met, false, 'the slowest stage below 5,000/s misses');
  assert.equal(byName.get('outbox write overhead')?.met, null);
  assert.equal(byName.get('relay p99, CDC vs polling at 50/s')?.met, true);
});

test('a run with loss never meets its target', () => {
  const lossy = { ...run('cdc', 200, hops.sent, 10, 20), loss: { ...okLoss, ok: false } };
  assert.equal(evaluateTargets({ latency: [lossy], throughput: [], writeOverhead: null })[0]!.met, false);
});

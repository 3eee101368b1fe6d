import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hops } from './hops.ts';
import type { Flood, LatencyRun, ThroughputRun } from './report-schema.ts';
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

test('a flood is judged on its shed answers, /healthz, the accepted p99 against the queue bound, and whole rows', () => {
  const flood: Flood = {
    hashing: 'argon2id m=19456 KiB, t=2, p=1',
    hashConcurrency: 2,
    hashQueueMax: 32,
    requests: 500,
    statuses: { 201: 34, 503: 466 },
    // One registration takes 80 ms at best: 17 of them in line is 1,360 ms, x2 for noise.
    accepted: { count: 34, min: 80, mean: 900, p50: 900, p95: 1_500, p99: 1_700, max: 1_700 },
    shed: { count: 466, min: 2, mean: 10, p50: 8, p95: 30, p99: 45, max: 70 },
    healthz: { count: 300, min: 1, mean: 3, p50: 2, p95: 10, p99: 20, max: 49 },
    healthzFailures: 0,
    rows: { accepted: 34, users: 34, notifications: 34, outboxEvents: 34, ok: true },
  };
  const verdicts = (input: Flood) =>
    Object.fromEntries(
      evaluateTargets({ latency: [], throughput: [], writeOverhead: null, flood: input })
        .filter((target) => target.name.startsWith('flood'))
        .map((target) => [target.name.replace('flood of 500: ', ''), target.met]),
    );
  assert.deepEqual(verdicts(flood), {
    'shed registrations (503)': true,
    '/healthz throughout': true,
    'every registration answered': true,
    'accepted registrations (201)': true,
    'no partial rows': true,
  });
  assert.deepEqual(
    verdicts({
      ...flood,
      accepted: { ...flood.accepted, p99: 2_800 },
      shed: { ...flood.shed, p99: 50 },
      healthz: { ...flood.healthz, max: 51 },
      statuses: { 201: 34, 503: 465, 'no answer': 1 },
      rows: { ...flood.rows, outboxEvents: 33, ok: false },
    }),
    {
      'shed registrations (503)': false,
      '/healthz throughout': false,
      'every registration answered': false,
      'accepted registrations (201)': false,
      'no partial rows': false,
    },
  );
  assert.equal(verdicts({ ...flood, healthzFailures: 1 })['/healthz throughout'], false);
  assert.equal(verdicts({ ...flood, shed: { count: 0, min: null, mean: null, p50: null, p95: null, p99: null, max: null } })['shed registrations (503)'], null);
});

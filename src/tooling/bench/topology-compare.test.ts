import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchClusterEnv } from './bench-cluster.ts';
import { toHop } from './hop-result.ts';
import { hops } from './hops.ts';
import { percentile } from './percentiles.ts';
import type { TopologyRound } from './report-schema.ts';
import { compareTopologies, poolHops, topologyOrder } from './topology-compare.ts';

const range = (from: number, count: number, step = 1) => Array.from({ length: count }, (_, i) => from + i * step);

export function round(topology: TopologyRound['topology'], index: number, sent: number[], { ok = true, rssMiB = 100 } = {}): TopologyRound {
  return {
    topology,
    round: index,
    run: {
      path: 'cdc',
      targetRatePerSecond: 200,
      achievedRatePerSecond: 199,
      events: sent.length,
      hops: [
        toHop(
          hops.cdcArrival,
          sent.map((ms) => ms / 2),
        ),
        toHop(hops.sent, sent),
      ],
      loss: { expected: sent.length, delivered: { sent: ok ? sent.length : sent.length - 1 }, dlqRecords: 0, ok },
    },
    rss: { processes: [{ name: 'kafka', pid: 42, rssMiB }], totalMiB: rssMiB },
  };
}

test('the rounds alternate which topology runs first, so a drift of the load favours neither', () => {
  assert.deepEqual(
    topologyOrder(2).map(({ round, topology }) => `${round}${topology}`),
    ['1single', '1cluster', '2cluster', '2single'],
  );
  assert.deepEqual(topologyOrder(0), []);
  for (const rounds of [1, 3]) {
    const order = topologyOrder(rounds);
    assert.equal(order.filter((run) => run.topology === 'single').length, rounds, 'each topology runs once per round');
  }
});

test('pooling two runs: count, min and max exact; percentiles within a percentile step of the pooled samples', () => {
  const first = range(1, 400);
  const second = range(1_000, 200, 5);
  const pooled = poolHops([toHop(hops.sent, first), toHop(hops.sent, second)]);
  const all = [...first, ...second].sort((a, b) => a - b);
  assert.equal(pooled.summary.count, 600);
  assert.equal(pooled.summary.min, 1);
  assert.equal(pooled.summary.max, 1_995);
  assert.equal(pooled.distribution?.length, 101);
  for (const p of [50, 95, 99] as const) {
    const exact = percentile(all, p);
    const value = pooled.summary[`p${p}`]!;
    // One percentile step of a run is at most 1% of its samples: the pooled rank stays within 1% too.
    const rank = all.findIndex((sample) => sample >= value);
    assert.ok(Math.abs(rank - all.indexOf(exact)) <= 0.01 * all.length + 1, `p${p}: pooled ${value}, exact ${exact}`);
  }
  assert.equal(pooled.summary.mean, Math.round((all.reduce((a, b) => a + b, 0) / all.length) * 10) / 10);
});

test('pooling one run gives its own figures back; no samples give nulls, not zeros', () => {
  const one = toHop(hops.sent, range(10, 300));
  assert.deepEqual(poolHops([one]).summary, one.summary);
  assert.deepEqual(poolHops([toHop(hops.sent, [])]).summary, { count: 0, min: null, mean: null, p50: null, p95: null, p99: null, max: null });
});

test('the comparison pools each topology, keeps every loss verdict, the largest RSS and cluster/single of commit -> SENT', () => {
  const rounds = [
    round('single', 1, range(10, 100), { rssMiB: 900 }),
    round('cluster', 1, range(20, 100, 2), { rssMiB: 2_500 }),
    round('cluster', 2, range(20, 100, 2), { ok: false, rssMiB: 2_600 }),
    round('single', 2, range(10, 100), { rssMiB: 950 }),
  ];
  const result = compareTopologies(rounds, { ratePerSecond: 200, roundDurationMs: 20_000, clusterStartSeconds: 95 });
  const [single, cluster] = result.summary;
  assert.equal(single?.topology, 'single');
  assert.equal(single?.events, 200);
  assert.equal(single?.lossOk, true);
  assert.equal(cluster?.lossOk, false, 'one lossy round makes the topology lossy');
  assert.equal(single?.peakRssMiB, 950);
  assert.equal(cluster?.peakRssMiB, 2_600);
  assert.deepEqual(
    cluster?.hops.map((hop) => hop.hop),
    [hops.cdcArrival, hops.sent],
  );
  // single: 10..109, p50 59; cluster: 20,22..218, p50 118.
  assert.equal(result.sentRatio.p50, 2);
  assert.equal(result.sentRatio.max, Math.round((218 / 109) * 100) / 100);
});

test('a topology without rounds has no figures and no ratio', () => {
  const result = compareTopologies([round('single', 1, range(10, 50))], { ratePerSecond: 200, roundDurationMs: 3_000, clusterStartSeconds: null });
  assert.equal(result.summary[1]?.rounds, 0);
  assert.equal(result.summary[1]?.lossOk, false);
  assert.deepEqual(result.sentRatio, { p50: null, p95: null, p99: null, max: null });
});

test('the bench cluster gets its own database, slot, state folder and ports, overridable by BENCH_CLUSTER_*', () => {
  const env = benchClusterEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/outbox' }, {});
  assert.equal(env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/outbox_bench_cluster');
  assert.equal(env.SLOT_NAME, 'outbox_bench_cluster_slot');
  assert.equal(env.STACK_DIR, '.stack/bench-cluster');
  const defaults = [env.KAFKA_BROKERS, env.CLUSTER_KAFKA_PORTS, env.CONNECT_URL, env.PORT, env.METRICS_PORT].join(' ');
  for (const taken of ['9092', '9093', '8083', '5001', '9464', '19092', '18083', '15001', '22601', '22609'])
    assert.doesNotMatch(defaults, new RegExp(`\\b${taken}\\b`));
  const custom = benchClusterEnv(
    { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mine' },
    {
      BENCH_CLUSTER_KAFKA_PORTS: '1,3,5',
      BENCH_CLUSTER_CONTROLLER_PORTS: '2,4,6',
      BENCH_CLUSTER_CONNECT_PORTS: '7,8',
      BENCH_CLUSTER_API_PORT: '9',
      BENCH_CLUSTER_METRICS_PORTS: '10,11',
    },
  );
  assert.deepEqual(
    [
      custom.KAFKA_BROKERS,
      custom.CLUSTER_KAFKA_PORTS,
      custom.KAFKA_CONTROLLER_PORT,
      custom.CLUSTER_CONTROLLER_PORTS,
      custom.CONNECT_URL,
      custom.CLUSTER_CONNECT_PORT,
      custom.PORT,
      custom.METRICS_PORT,
      custom.CLUSTER_METRICS_PORT,
    ],
    ['127.0.0.1:1', '3,5', '2', '4,6', 'http://127.0.0.1:7', '8', '9', '10', '11'],
  );
  assert.throws(() => benchClusterEnv({ DATABASE_URL: 'postgres://x/db' }, { BENCH_CLUSTER_CONNECT_PORTS: '7' }), /BENCH_CLUSTER_CONNECT_PORTS wants 2 ports/);
});

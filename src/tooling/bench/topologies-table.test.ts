import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchReportSchema } from './report-schema.ts';
import { renderTopologies } from './topologies-table.ts';
import { round } from './topology-compare.test.ts';
import { compareTopologies } from './topology-compare.ts';

const range = (from: number, count: number, step = 1) => Array.from({ length: count }, (_, i) => from + i * step);

test('the topologies table lists the rounds in order, the pooled hops, the ratio and the RSS', () => {
  const run = compareTopologies(
    [
      round('single', 1, range(10, 100), { rssMiB: 900 }),
      round('cluster', 1, range(20, 100, 2), { rssMiB: 2_500 }),
      round('cluster', 2, range(20, 100, 2), { ok: false }),
    ],
    { ratePerSecond: 200, roundDurationMs: 20_000, clusterStartSeconds: 95.5 },
  );
  const text = renderTopologies(run);
  const lines = text.split('\n');
  assert.match(lines[0]!, /commit at 200\/s, rounds of 20 s alternating; the cluster started in 95.5 s/);
  const roundRows = lines.filter((line) => /^\s*\d\s+(single|cluster)\s/.test(line));
  assert.deepEqual(
    roundRows.map((line) => line.trim().split(/\s+/).slice(0, 2).join(' ')),
    ['1 single', '1 cluster', '2 cluster'],
  );
  assert.match(roundRows[0]!, /200\/199\s+100\s+59\s+104\s+108\s+109\s+900\s+ok$/);
  assert.match(roundRows[2]!, /LOSS$/);
  assert.match(text, /^cluster\s+commit -> SENT \(sent_at\)\s+200\s.*LOSS$/m);
  assert.match(text, /cluster \/ single, commit -> SENT: p50 x2\.00, p95 x2\.00, p99 x2\.00, max x2\.00/);
  assert.match(text, /single 900 MiB \(kafka 900\); cluster 2500 MiB \(kafka 100\)/);
});

test('a report carrying the topologies run is valid against the schema', () => {
  const run = compareTopologies([round('single', 1, range(10, 20)), round('cluster', 1, [])], {
    ratePerSecond: 200,
    roundDurationMs: 3_000,
    clusterStartSeconds: null,
  });
  assert.doesNotThrow(() => benchReportSchema.shape.topologies.parse(JSON.parse(JSON.stringify(run))));
  assert.match(renderTopologies(run), /p50 -, p95 -, p99 -, max -/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchPlan, parseCount, parseRates, parseScenarios, scenarioNames } from './bench-plan.ts';

test('full runs the issue sizes, quick is smaller in every dimension', () => {
  const full = benchPlan('full');
  const quick = benchPlan('quick');
  assert.deepEqual(full.latencyRates, [50, 200, 1_000]);
  assert.ok(full.throughputEvents >= 100_000);
  assert.ok(quick.throughputEvents < full.throughputEvents && quick.latencyDurationMs < full.latencyDurationMs && quick.baselineRecords < full.baselineRecords);
  assert.deepEqual([...full.scenarios], [...scenarioNames]);
});

test('--only picks scenarios and refuses unknown ones', () => {
  assert.deepEqual([...benchPlan('quick', parseScenarios('latency, baseline')).scenarios], ['latency', 'baseline']);
  assert.deepEqual(parseScenarios(undefined), []);
  assert.throws(() => parseScenarios('latency,nope'), /unknown scenario nope/);
});

test('--rates takes positive numbers only', () => {
  assert.deepEqual(parseRates('50, 1000'), [50, 1000]);
  assert.throws(() => parseRates('50,x'), RangeError);
  assert.throws(() => parseRates('0'), RangeError);
});

test('--drain-events takes a positive whole number, underscores allowed', () => {
  assert.equal(parseCount('--drain-events', '200_000'), 200_000);
  assert.throws(() => parseCount('--drain-events', '1.5'), RangeError);
  assert.throws(() => parseCount('--drain-events', '0'), RangeError);
  assert.throws(() => parseCount('--drain-events', 'many'), RangeError);
});

test('the topologies scenario: part of the full run at 200/s in alternating rounds of equal length; quick only when named', () => {
  const full = benchPlan('full');
  assert.ok(full.scenarios.has('topologies'));
  assert.equal(full.topologies.ratePerSecond, 200);
  assert.ok(full.topologies.rounds >= 2, 'both orders (single first, cluster first) are measured');
  assert.equal(benchPlan('quick').scenarios.has('topologies'), false, 'a smoke run does not start five JVMs');
  assert.deepEqual([...benchPlan('quick', parseScenarios('topologies')).scenarios], ['topologies']);
  assert.deepEqual([...benchPlan('full', parseScenarios('topologies')).scenarios], ['topologies']);
});

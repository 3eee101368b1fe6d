import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config.ts';
import { resolveStages } from '../contract/stages.ts';
import { createMetricsRegistry } from '../metrics/registry.ts';
import { createPipelineGauges } from './pipeline-metrics.ts';

const stages = resolveStages(loadConfig({}));
const setup = () => {
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const gauges = createPipelineGauges(registry, { slotName: 'outbox_slot', connectorName: 'outbox-connector', deadLetterTopic: 'dlq' });
  const series = async (name: string) =>
    Object.fromEntries(
      ((await registry.getSingleMetric(name)?.get())?.values ?? []).map((entry) => [Object.values(entry.labels).map(String).join('/'), entry.value]),
    );
  return { gauges, series };
};

test('a healthy reading: slot figures, the RUNNING state set, lag per partition, dead-letter depth', async () => {
  const { gauges, series } = setup();
  gauges.apply({
    slot: { slotName: 'outbox_slot', active: true, retainedBytes: 4096, walStatus: 'reserved', safeWalBytes: null },
    connector: { name: 'outbox-connector', connector: { state: 'RUNNING', worker_id: 'w' }, tasks: [{ id: 0, state: 'FAILED', worker_id: 'w' }] },
    kafka: { deadLetterDepth: 3, lags: [{ stage: stages[0]!, partitions: [{ partition: 1, committed: 5, high: 9, lag: 4 }] }] },
  });
  assert.deepEqual(await series('outbox_replication_slot_retained_wal_bytes'), { outbox_slot: 4096 });
  assert.deepEqual(await series('outbox_replication_slot_active'), { outbox_slot: 1 });
  assert.deepEqual(await series('outbox_replication_slot_safe_wal_bytes'), {}, 'absent without max_slot_wal_keep_size');
  const walStatus = await series('outbox_replication_slot_wal_status');
  assert.equal(walStatus['outbox_slot/reserved'], 1);
  assert.equal(
    Object.values(walStatus).reduce((a, b) => a + b, 0),
    1,
    'exactly one state is current',
  );
  assert.equal((await series('outbox_connector_state'))['outbox-connector/RUNNING'], 1);
  const tasks = await series('outbox_connector_task_state');
  assert.equal(tasks['outbox-connector/0/RUNNING'], 0);
  assert.equal(tasks['outbox-connector/0/FAILED'], 1);
  assert.deepEqual(await series('outbox_consumer_group_lag_records'), { [`router/outbox-router/${stages[0]!.inputTopic}/1`]: 4 });
  assert.deepEqual(await series('outbox_dead_letter_topic_records'), { dlq: 3 });
  assert.deepEqual(await series('outbox_pipeline_probe_up'), { postgresql: 1, connect: 1, kafka: 1 });
});

test('parts that do not answer leave no stale numbers and a state that is not the healthy one', async () => {
  const { gauges, series } = setup();
  gauges.apply({
    slot: { slotName: 'outbox_slot', active: true, retainedBytes: 4096, walStatus: 'reserved', safeWalBytes: 1 },
    connector: { name: 'outbox-connector', connector: { state: 'RUNNING', worker_id: 'w' }, tasks: [{ id: 0, state: 'RUNNING', worker_id: 'w' }] },
    kafka: { deadLetterDepth: 0, lags: [] },
  });
  gauges.apply({ slot: undefined, connector: undefined, kafka: undefined });
  assert.deepEqual(await series('outbox_pipeline_probe_up'), { postgresql: 0, connect: 0, kafka: 0 });
  assert.deepEqual(await series('outbox_replication_slot_retained_wal_bytes'), {});
  assert.equal((await series('outbox_replication_slot_wal_status'))['outbox_slot/reserved'], 0);
  assert.equal((await series('outbox_replication_slot_wal_status'))['outbox_slot/unknown'], 1);
  assert.equal((await series('outbox_connector_state'))['outbox-connector/RUNNING'], 0);
  assert.equal((await series('outbox_connector_state'))['outbox-connector/UNKNOWN'], 1);
  assert.deepEqual(await series('outbox_connector_task_state'), {});
  assert.deepEqual(await series('outbox_dead_letter_topic_records'), {});
});

test('a slot or connector that does not exist reads "missing"', async () => {
  const { gauges, series } = setup();
  gauges.apply({ slot: null, connector: null, kafka: undefined });
  assert.equal((await series('outbox_replication_slot_wal_status'))['outbox_slot/missing'], 1);
  assert.equal((await series('outbox_connector_state'))['outbox-connector/MISSING'], 1);
  assert.deepEqual(await series('outbox_replication_slot_active'), {});
});

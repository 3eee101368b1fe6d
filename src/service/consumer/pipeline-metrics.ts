import { Gauge } from 'prom-client';
import type { ConnectorState } from '../cdc/connect-client.ts';
import type { WalStatus } from '../cdc/replication-slot.ts';
import type { Logger } from '../logger.ts';
import type { MetricsRegistry } from '../metrics/registry.ts';
import { type PipelineState, type PipelineStateSources, readPipelineState } from './pipeline-state.ts';

// "missing": the slot does not exist; "unknown": PostgreSQL did not answer, or the slot holds no WAL position yet.
const walStatuses: ReadonlyArray<WalStatus | 'unknown' | 'missing'> = ['reserved', 'extended', 'unreserved', 'lost', 'unknown', 'missing'];
// "MISSING": not registered; "UNKNOWN": Kafka Connect did not answer, so nothing vouches that it captures.
const connectorStates: ReadonlyArray<ConnectorState | 'MISSING' | 'UNKNOWN'> = [
  'UNASSIGNED',
  'RUNNING',
  'PAUSED',
  'STOPPED',
  'FAILED',
  'RESTARTING',
  'MISSING',
  'UNKNOWN',
];

export interface PipelineGauges {
  apply(state: PipelineState): void;
}

/**
 * The state of the parts around the consumer, as Prometheus gauges: the replication slot, the
 * connector and its tasks, the dead-letter topic's depth and every group's committed-offset lag
 * per partition assigned to this instance. State sets (one series per possible state, 1 for the current one) keep
 * `wal_status` and the connector state alertable with plain comparisons.
 */
export function createPipelineGauges(
  registry: MetricsRegistry,
  { slotName, connectorName, deadLetterTopic }: { slotName: string; connectorName: string; deadLetterTopic: string },
): PipelineGauges {
  const registers = [registry];
  const up = new Gauge({
    name: 'outbox_pipeline_probe_up',
    help: 'Whether the last reading of a part answered (postgresql, connect, kafka); 0 means the figures from it are missing or unknown.',
    labelNames: ['probe'],
    registers,
  });
  const retained = new Gauge({
    name: 'outbox_replication_slot_retained_wal_bytes',
    help: "WAL PostgreSQL keeps for the connector's replication slot: current WAL position minus the slot's confirmed flush position.",
    labelNames: ['slot'],
    registers,
  });
  const safe = new Gauge({
    name: 'outbox_replication_slot_safe_wal_bytes',
    help: 'WAL that can still be written before the slot is in danger of being lost (pg_replication_slots.safe_wal_size; absent without max_slot_wal_keep_size).',
    labelNames: ['slot'],
    registers,
  });
  const active = new Gauge({
    name: 'outbox_replication_slot_active',
    help: 'Whether a reader (the connector) is attached to the slot.',
    labelNames: ['slot'],
    registers,
  });
  const walStatus = new Gauge({
    name: 'outbox_replication_slot_wal_status',
    help: 'pg_replication_slots.wal_status of the slot as a state set (reserved, extended, unreserved, lost; unknown, missing): 1 for the current one.',
    labelNames: ['slot', 'status'],
    registers,
  });
  const connector = new Gauge({
    name: 'outbox_connector_state',
    help: 'State of the Debezium connector as Kafka Connect reports it, as a state set (MISSING: not registered; UNKNOWN: Connect did not answer).',
    labelNames: ['connector', 'state'],
    registers,
  });
  const tasks = new Gauge({
    name: 'outbox_connector_task_state',
    help: "State of each of the connector's tasks, as a state set.",
    labelNames: ['connector', 'task', 'state'],
    registers,
  });
  const depth = new Gauge({
    name: 'outbox_dead_letter_topic_records',
    help: 'Records on the dead-letter topic (log end minus log start, over its partitions).',
    labelNames: ['topic'],
    registers,
  });
  const lag = new Gauge({
    name: 'outbox_consumer_group_lag_records',
    help: "Records after the group's committed offset, per partition assigned to this instance (its consumer's statistics): log end minus committed offset (minus the log start when it never committed).",
    labelNames: ['stage', 'group', 'topic', 'partition'],
    registers,
  });

  const stateSet = (gauge: Gauge, labels: Record<string, string>, states: readonly string[], current: string, key: string) => {
    for (const state of states) gauge.set({ ...labels, [key]: state }, state === current ? 1 : 0);
  };

  return {
    // Synchronous from reset to the last set: a scrape never sees a half-applied reading.
    apply({ slot, connector: status, kafka }) {
      up.set({ probe: 'postgresql' }, slot === undefined ? 0 : 1);
      up.set({ probe: 'connect' }, status === undefined ? 0 : 1);
      up.set({ probe: 'kafka' }, kafka === undefined ? 0 : 1);

      // A part that did not answer leaves no numbers behind (stale ones would hide growth) and
      // its state set at "unknown", which is not the healthy state: the alerts on it fire.
      for (const gauge of [retained, safe, active, walStatus]) gauge.reset();
      const slotLabels = { slot: slotName };
      stateSet(walStatus, slotLabels, walStatuses, slot === undefined ? 'unknown' : slot === null ? 'missing' : (slot.walStatus ?? 'unknown'), 'status');
      if (slot !== undefined && slot !== null) {
        retained.set(slotLabels, slot.retainedBytes);
        active.set(slotLabels, slot.active ? 1 : 0);
        if (slot.safeWalBytes !== null) safe.set(slotLabels, slot.safeWalBytes);
      }

      connector.reset();
      tasks.reset();
      const connectorState = status === undefined ? 'UNKNOWN' : status === null ? 'MISSING' : status.connector.state;
      stateSet(connector, { connector: connectorName }, connectorStates, connectorState, 'state');
      for (const task of status?.tasks ?? []) stateSet(tasks, { connector: connectorName, task: String(task.id) }, connectorStates, task.state, 'state');

      depth.reset();
      lag.reset();
      if (kafka !== undefined) {
        depth.set({ topic: deadLetterTopic }, kafka.deadLetterDepth);
        for (const { stage, partitions } of kafka.lags) {
          for (const partition of partitions) {
            lag.set({ stage: stage.name, group: stage.groupId, topic: stage.inputTopic, partition: String(partition.partition) }, partition.lag);
          }
        }
      }
    },
  };
}

/** Reads the pipeline's state now and every `intervalMs`, into the gauges; stop() ends it. */
export function watchPipelineState(
  sources: PipelineStateSources,
  gauges: PipelineGauges,
  { intervalMs, logger }: { intervalMs: number; logger: Logger },
): { stop: () => void; ready: Promise<void> } {
  let reading = false;
  const read = async () => {
    if (reading) return;
    reading = true;
    try {
      gauges.apply(await readPipelineState(sources));
    } catch (error) {
      logger.warn({ err: error }, 'reading the pipeline state for metrics failed');
    } finally {
      reading = false;
    }
  };
  const ready = read();
  const timer = setInterval(read, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), ready };
}

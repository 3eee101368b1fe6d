import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { openTopicReader } from '../../service/kafka/topic-reader.ts';
import type { BenchContext } from './bench-context.ts';
import { spawnConsumer } from './ensure-consumer.ts';
import { cpuMsOf } from './process-cpu.ts';
import { batchRanges } from './rate-schedule.ts';
import type { RouterDrainRun } from './report-schema.ts';
import { stages, sustainedRate } from './stage-rate.ts';
import { debeziumEnvelope, syntheticRegistration } from './synthetic-registration.ts';

/** The consumer's producer as it was (librdkafka's defaults) against batching harder with compression. */
export const routerDrainVariants: Readonly<Record<string, Record<string, string>>> = {
  defaults: { KAFKA_PRODUCER_LINGER_MS: '5', KAFKA_PRODUCER_COMPRESSION: 'none' },
  'linger 20 ms + lz4': { KAFKA_PRODUCER_LINGER_MS: '20', KAFKA_PRODUCER_COMPRESSION: 'lz4' },
};

export interface RouterDrainScenario {
  events: number;
  variant: string;
  round: number;
  drainTimeoutMs: number;
  logDirectory: string;
}

/**
 * The router's own capacity: N Debezium-shaped records wait on a CDC topic of their own (the stage
 * held: no consumer yet), then a router-only kafka-consumer with the variant's producer settings
 * drains them. Measured: its sustained rate (the routed records' timestamps, first to last), its
 * CPU time per 1,000 records (/proc), every record routed. No database, no Debezium.
 */
export async function runRouterDrain(context: BenchContext, scenario: RouterDrainScenario): Promise<RouterDrainRun> {
  const { config, admin, kafka, progress, tag } = context;
  const { events, variant, round, drainTimeoutMs, logDirectory } = scenario;
  const id = `${tag}-rd${Object.keys(routerDrainVariants).indexOf(variant)}-${round}`;
  const topics = { cdc: `bench.drain.${id}.cdc`, routed: `bench.drain.${id}.routed`, dlq: `bench.drain.${id}.dlq` };
  const group = `bench-drain-router-${id}`;
  await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: config.TOPIC_PARTITIONS, replicationFactor: -1 })) });
  const producer = kafka.producer({ 'linger.ms': 5, partitioner: 'murmur2_random', kafkaJS: { acks: -1 } });
  let stopConsumer: (() => Promise<void>) | undefined;
  let pid: number | undefined;
  try {
    progress(`router drain, ${variant} (round ${round}): a backlog of ${events} CDC records`);
    await producer.connect();
    const committedAt = Date.now();
    for (const [from, to] of batchRanges(events, 1_000)) {
      const messages = Array.from({ length: to - from }, (_, offset) => {
        const registration = syntheticRegistration(`${id}-r`, from + offset);
        return { key: JSON.stringify({ aggregate_id: registration.userId }), value: debeziumEnvelope(registration, committedAt) };
      });
      await producer.send({ topic: topics.cdc, messages });
    }
    stopConsumer = await spawnConsumer(admin, {
      env: {
        ...routerDrainVariants[variant],
        LOG_LEVEL: config.LOG_LEVEL,
        CDC_TOPIC: topics.cdc,
        USER_REGISTRATION_TOPIC: topics.routed,
        DLQ_TOPIC: topics.dlq,
        ROUTER_GROUP_ID: group,
        METRICS_PORT: '0',
      },
      args: ['--only', 'router'],
      groups: [group],
      logPath: path.join(logDirectory, `router-drain-${Object.keys(routerDrainVariants).indexOf(variant)}-${round}.log`),
      onSpawn: (spawned) => {
        pid = spawned;
      },
    });
    // From here the group has joined and is draining: the start-up (loading, connecting) is not charged.
    const cpuBefore = await cpuMsOf(pid);
    const routedAt = await recordTimes(config.KAFKA_BROKERS, topics.routed, events, drainTimeoutMs);
    const cpuMs = (await cpuMsOf(pid)) - cpuBefore;
    const router = sustainedRate(stages.router, routedAt);
    const cpuMsPerThousand = Math.round((cpuMs * 1000) / events);
    progress(`  ${routedAt.length}/${events} routed at ${router.ratePerSecond}/s, ${cpuMsPerThousand} ms CPU per 1,000`);
    return { variant, round, events, router, cpuMsPerThousand, delivered: routedAt.length === events };
  } finally {
    await stopConsumer?.().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
    await admin.deleteGroups([group]).catch(() => {});
  }
}

/** Kafka timestamps of the first `count` records of a topic: when the router produced each. */
async function recordTimes(brokers: string, topic: string, count: number, timeoutMs: number): Promise<number[]> {
  const reader = await openTopicReader({ brokers, topic, from: 'beginning' });
  const times: number[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    while (times.length < count && Date.now() < deadline) {
      for (const record of await reader.poll()) times.push(record.timestamp);
      if (times.length < count) await delay(10);
    }
  } finally {
    await reader.close();
  }
  return times.slice(0, count);
}

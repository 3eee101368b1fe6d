import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Admin, Kafka } from '../../service/kafka/client.ts';
import { checkLoss } from './loss-check.ts';
import { batchRanges, ratePerSecond } from './rate-schedule.ts';
import type { KafkaBaseline } from './report-schema.ts';

export interface KafkaBaselineOptions {
  kafka: Kafka;
  admin: Admin;
  records: number;
  valueBytes: number;
  partitions: number;
  progress: (message: string) => void;
  timeoutMs: number;
}

const sendChunk = 500;
const sendsInFlight = 16;

/**
 * What this machine's Kafka does with the same client and no PostgreSQL or Debezium in the way:
 * produce N records of the CDC records' size to a fresh topic, then consume them all. The relay
 * can never beat these numbers; how close it gets says how much the pipeline costs.
 */
export async function runKafkaBaseline({ kafka, admin, records, valueBytes, partitions, progress, timeoutMs }: KafkaBaselineOptions): Promise<KafkaBaseline> {
  const topic = `bench.kafka-baseline.${Date.now().toString(36)}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: -1 }] });
  try {
    const value = Buffer.alloc(valueBytes, 'x');
    const keys = Array.from({ length: records }, () => randomUUID());

    // Several sends in flight: one awaited send at a time is capped by linger.ms, not by Kafka.
    const producer = kafka.producer({ 'linger.ms': 5, partitioner: 'murmur2_random', kafkaJS: { acks: -1 } });
    await producer.connect();
    const produceStarted = performance.now();
    const chunks = batchRanges(records, sendChunk);
    let next = 0;
    await Promise.all(
      Array.from({ length: sendsInFlight }, async () => {
        while (next < chunks.length) {
          const [from, to] = chunks[next++]!;
          await producer.send({ topic, messages: keys.slice(from, to).map((key) => ({ key, value })) });
        }
      }),
    );
    const produceSeconds = (performance.now() - produceStarted) / 1000;
    await producer.disconnect();
    progress(`kafka baseline: produced ${records} x ${valueBytes} B in ${produceSeconds.toFixed(2)} s`);

    const consumer = kafka.consumer({ kafkaJS: { groupId: `bench-baseline-${randomUUID()}`, fromBeginning: true, autoCommit: false } });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    const seen = new Set<string>();
    let firstMs = 0;
    let lastMs = 0;
    const consumeStarted = performance.now();
    await consumer.run({
      partitionsConsumedConcurrently: partitions,
      eachMessage: async ({ message }) => {
        const now = performance.now();
        if (firstMs === 0) firstMs = now;
        lastMs = now;
        if (message.key !== null) seen.add(message.key.toString());
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (seen.size < records && Date.now() < deadline) await delay(20);
    await consumer.disconnect();
    // From the first record on: joining the group is a one-off, not a rate.
    const consumeSeconds = (lastMs - firstMs) / 1000;
    progress(
      `kafka baseline: consumed ${seen.size} in ${consumeSeconds.toFixed(2)} s (+${((firstMs - consumeStarted) / 1000).toFixed(2)} s to join the group)`,
    );
    const mib = (records * valueBytes) / 1024 / 1024;
    return {
      topic,
      records,
      valueBytes,
      produce: {
        seconds: round(produceSeconds),
        ratePerSecond: Math.round(ratePerSecond(records, produceSeconds * 1000)),
        mibPerSecond: round(mib / produceSeconds),
      },
      consume: {
        seconds: round(consumeSeconds),
        ratePerSecond: Math.round(ratePerSecond(seen.size, consumeSeconds * 1000)),
        mibPerSecond: round(consumeSeconds > 0 ? mib / consumeSeconds : 0),
      },
      loss: checkLoss(keys, { consumed: seen }, new Set(), 0),
    };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

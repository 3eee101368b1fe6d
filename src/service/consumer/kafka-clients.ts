import type { Config } from '../config.ts';
import type { Consumer, Kafka, Producer } from '../kafka/client.ts';
import type { RebalanceListener } from './consumer-group.ts';
import type { StatsListener } from './stats-lag.ts';

/**
 * The producer of routed and dead-lettered records. Idempotent with acks=all, so librdkafka's
 * internal retries neither duplicate nor reorder within a partition; murmur2_random so a key
 * lands on the partition a Java client would pick (the plain-config default is CRC32).
 */
export function createConsumerProducer(
  kafka: Kafka,
  config: Pick<Config, 'KAFKA_SEND_TIMEOUT_MS' | 'KAFKA_PRODUCER_LINGER_MS' | 'KAFKA_PRODUCER_BATCH_BYTES' | 'KAFKA_PRODUCER_COMPRESSION'>,
): Producer {
  return kafka.producer({
    kafkaJS: { idempotent: true, acks: -1, allowAutoTopicCreation: false },
    partitioner: 'murmur2_random',
    'message.timeout.ms': config.KAFKA_SEND_TIMEOUT_MS,
    // Idempotence keeps at most 5 requests in flight per broker in order, so batching and
    // compression change neither per-partition order nor exactly-once of librdkafka's retries.
    'linger.ms': config.KAFKA_PRODUCER_LINGER_MS,
    'batch.size': config.KAFKA_PRODUCER_BATCH_BYTES,
    'compression.codec': config.KAFKA_PRODUCER_COMPRESSION,
    // The KafkaJS layer caps retries at 5; let message.timeout.ms bound them instead, as librdkafka intends.
    retries: 2_147_483_647,
  });
}

/**
 * A group member that never commits on its own: autoCommit off, offsets committed by the group
 * loop behind the acknowledged records. A new group starts from the earliest offset, so events
 * written before the consumer's first start are not skipped. Its librdkafka statistics, every
 * `statsIntervalMs`, carry the lag of its partitions (stats-lag.ts).
 */
export function createGroupConsumer(
  kafka: Kafka,
  config: Pick<Config, 'CONSUMER_SESSION_TIMEOUT_MS' | 'CONSUMER_MAX_POLL_INTERVAL_MS'>,
  groupId: string,
  onRebalance: RebalanceListener,
  stats: { listener: StatsListener; intervalMs: number },
): Consumer {
  return kafka.consumer({
    kafkaJS: {
      groupId,
      autoCommit: false,
      fromBeginning: true,
      sessionTimeout: config.CONSUMER_SESSION_TIMEOUT_MS,
      rebalanceTimeout: config.CONSUMER_MAX_POLL_INTERVAL_MS,
    },
    // Returning nothing keeps the client's own assign/unassign; we only observe and commit.
    rebalance_cb: async (error: { code: number }, assignment: Array<{ topic: string; partition: number }>) => {
      await onRebalance(error, assignment);
    },
    'statistics.interval.ms': stats.intervalMs,
    stats_cb: stats.listener,
  });
}

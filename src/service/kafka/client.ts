import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Config } from '../config.ts';

export type Kafka = KafkaJS.Kafka;
export type Admin = KafkaJS.Admin;
export type Producer = KafkaJS.Producer;
export type Consumer = KafkaJS.Consumer;

export function brokerList(config: Pick<Config, 'KAFKA_BROKERS'>): string[] {
  return config.KAFKA_BROKERS.split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
}

/**
 * The one place a Kafka client is made, so every process uses the same brokers and client id.
 * librdkafka logs every refused connection at INFO; ERROR keeps a down broker to one line per
 * attempt and leaves the reporting to the caller's AppError.
 */
export function createKafka(
  config: Pick<Config, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID'>,
  { clientId = config.KAFKA_CLIENT_ID, logLevel = KafkaJS.logLevel.ERROR } = {},
): Kafka {
  return new KafkaJS.Kafka({ kafkaJS: { brokers: brokerList(config), clientId, logLevel } });
}

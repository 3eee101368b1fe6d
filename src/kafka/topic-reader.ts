import kafka from '@confluentinc/kafka-javascript';
import type { Message, Metadata } from '@confluentinc/kafka-javascript';
import { AppError } from '../errors.ts';

export interface TopicRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface TopicReaderOptions {
  brokers: string;
  topic: string;
  from: 'beginning' | 'end';
  /** How long one poll waits for records when there are none. */
  pollMs?: number;
}

export interface TopicReader {
  partitions: number[];
  /** The records that arrived since the last call, waiting up to pollMs when there are none. */
  poll: () => Promise<TopicRecord[]>;
  close: () => Promise<void>;
}

// librdkafka's logical offsets.
const OFFSET_BEGINNING = -2;
const OFFSET_END = -1;

/**
 * Reads a topic by assigning every partition, without joining a consumer group and without
 * committing: watching a topic (events tail, trace, tests) must not change what any group sees.
 */
export async function openTopicReader({ brokers, topic, from, pollMs = 200 }: TopicReaderOptions): Promise<TopicReader> {
  const consumer = new kafka.KafkaConsumer(
    {
      'bootstrap.servers': brokers,
      // Required by librdkafka's config, never used: with assign() and no commits, no group is joined.
      'group.id': `reader-${process.pid}-${Date.now()}`,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'enable.partition.eof': false,
      'fetch.wait.max.ms': 50,
      'socket.connection.setup.timeout.ms': 5_000,
    },
    { 'auto.offset.reset': from === 'beginning' ? 'earliest' : 'latest' },
  );
  const metadata = await new Promise<Metadata>((resolve, reject) => {
    consumer.connect({ topic, timeout: 5_000 }, (error, data) =>
      error ? reject(new AppError('KAFKA_UNAVAILABLE', `cannot reach Kafka at ${brokers}: ${error.message} (is the stack up? make up)`, { cause: error })) : resolve(data),
    );
  });
  const partitions = metadata.topics.find((t) => t.name === topic)?.partitions.map((p) => p.id) ?? [];
  if (partitions.length === 0) {
    await disconnect(consumer);
    throw new AppError('NOT_FOUND', `topic ${topic} does not exist on ${brokers} (create it: cli topics create)`);
  }
  consumer.setDefaultConsumeTimeout(pollMs);
  consumer.assign(partitions.map((partition) => ({ topic, partition, offset: from === 'beginning' ? OFFSET_BEGINNING : OFFSET_END })));
  return {
    partitions,
    poll: () =>
      new Promise((resolve, reject) => {
        consumer.consume(1_000, (error, messages) => (error ? reject(error) : resolve(messages.map(toTopicRecord))));
      }),
    close: () => disconnect(consumer),
  };
}

/** Polls until `done` says the records read so far are enough, or the deadline passes. */
export async function readUntil(reader: TopicReader, done: (records: TopicRecord[]) => boolean, timeoutMs: number): Promise<TopicRecord[]> {
  const records: TopicRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!done(records) && Date.now() < deadline) records.push(...(await reader.poll()));
  return records;
}

export function toTopicRecord(message: Message): TopicRecord {
  const headers: Record<string, string> = {};
  for (const header of message.headers ?? []) {
    for (const [name, value] of Object.entries(header)) headers[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp ?? 0,
    key: message.key === undefined || message.key === null ? null : message.key.toString(),
    value: message.value === null ? null : message.value.toString('utf8'),
    headers,
  };
}

function disconnect(consumer: InstanceType<typeof kafka.KafkaConsumer>): Promise<void> {
  return new Promise((resolve) => consumer.disconnect(() => resolve()));
}

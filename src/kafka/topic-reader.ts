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
  /** Where to start on every partition: a timestamp starts at the first record at or after it. */
  from: 'beginning' | 'end' | { timestamp: number };
  /** How long one poll waits for records when there are none. */
  pollMs?: number;
}

export interface TopicReader {
  partitions: number[];
  /** The records that arrived since the last call, waiting up to pollMs when there are none. */
  poll: () => Promise<TopicRecord[]>;
  /** Every record from the start position up to the end of each partition as it is now. */
  readToEnd: (timeoutMs: number) => Promise<TopicRecord[]>;
  close: () => Promise<void>;
}

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
    // Only reached when a start offset was deleted by retention between lookup and fetch.
    { 'auto.offset.reset': 'earliest' },
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
  const watermarks = new Map(await Promise.all(partitions.map(async (partition) => [partition, await queryWatermarks(consumer, topic, partition)] as const)));
  const starts = await startOffsets(consumer, topic, partitions, from, watermarks);
  // Next offset to read per partition: what readToEnd compares with the high watermark.
  const positions = new Map(starts);
  consumer.setDefaultConsumeTimeout(pollMs);
  // Otherwise consume(n) waits up to pollMs for EACH record, holding a steady trickle back until n
  // arrive or a gap opens. The method exists at run time but is missing from the package's types.
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage: (only: boolean) => void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  consumer.assign(partitions.map((partition) => ({ topic, partition, offset: starts.get(partition)! })));
  const poll = () =>
    new Promise<TopicRecord[]>((resolve, reject) => {
      consumer.consume(1_000, (error, messages) => {
        if (error) return reject(error);
        for (const message of messages) positions.set(message.partition, message.offset + 1);
        resolve(messages.map(toTopicRecord));
      });
    });
  return {
    partitions,
    poll,
    readToEnd: async (timeoutMs) => {
      const ends = new Map(await Promise.all(partitions.map(async (partition) => [partition, (await queryWatermarks(consumer, topic, partition)).high] as const)));
      const caughtUp = () => partitions.every((partition) => positions.get(partition)! >= ends.get(partition)!);
      const records: TopicRecord[] = [];
      const deadline = Date.now() + timeoutMs;
      while (!caughtUp()) {
        if (Date.now() > deadline) throw new AppError('TIMEOUT', `reading ${topic} to its end took longer than ${timeoutMs} ms`);
        records.push(...(await poll()));
      }
      return records;
    },
    close: () => disconnect(consumer),
  };
}

type Consumer = InstanceType<typeof kafka.KafkaConsumer>;

function queryWatermarks(consumer: Consumer, topic: string, partition: number): Promise<{ low: number; high: number }> {
  return new Promise((resolve, reject) => {
    consumer.queryWatermarkOffsets(topic, partition, 5_000, (error, offsets) => (error ? reject(error) : resolve({ low: offsets.lowOffset, high: offsets.highOffset })));
  });
}

async function startOffsets(consumer: Consumer, topic: string, partitions: number[], from: TopicReaderOptions['from'], watermarks: Map<number, { low: number; high: number }>): Promise<Map<number, number>> {
  if (from === 'beginning') return new Map(partitions.map((p) => [p, watermarks.get(p)!.low]));
  if (from === 'end') return new Map(partitions.map((p) => [p, watermarks.get(p)!.high]));
  const found = await new Promise<Array<{ partition: number; offset: number }>>((resolve, reject) => {
    consumer.offsetsForTimes(
      partitions.map((partition) => ({ topic, partition, offset: from.timestamp })),
      5_000,
      (error, offsets) => (error ? reject(error) : resolve(offsets)),
    );
  });
  // -1: no record at or after the timestamp, so there is nothing to read there yet.
  return new Map(found.map(({ partition, offset }) => [partition, offset < 0 ? watermarks.get(partition)!.high : offset]));
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

function disconnect(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => consumer.disconnect(() => resolve()));
}

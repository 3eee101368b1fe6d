import type { Message, Metadata } from '@confluentinc/kafka-javascript';
import kafka from '@confluentinc/kafka-javascript';
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
  /** One topic, or several read through one consumer (each blocking consume holds a libuv thread). */
  topic: string | readonly string[];
  /**
   * Where to start on every partition: a timestamp starts at the first record at or after it;
   * offsets (keyed `topic:partition`) resume where a reader stopped, the beginning where none is given.
   */
  from: 'beginning' | 'end' | { timestamp: number } | { offsets: ReadonlyMap<string, number> };
  /** How long one poll waits for records when there are none. */
  pollMs?: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicReader {
  assignment: TopicPartition[];
  /** The records that arrived since the last call, waiting up to pollMs when there are none. */
  poll: () => Promise<TopicRecord[]>;
  /** Every record from the start position up to the end of each partition as it is now. */
  readToEnd: (timeoutMs: number) => Promise<TopicRecord[]>;
  close: () => Promise<void>;
}

/**
 * Reads topics by assigning every partition, without joining a consumer group and without
 * committing: watching a topic (events tail, trace, the bench, tests) must not change what any
 * group sees.
 */
export async function openTopicReader({ brokers, topic, from, pollMs = 200 }: TopicReaderOptions): Promise<TopicReader> {
  const topics = typeof topic === 'string' ? [topic] : [...topic];
  const consumer = new kafka.KafkaConsumer(
    {
      'bootstrap.servers': brokers,
      // Required by librdkafka's config, never used: with assign() and no commits, no group is joined.
      'group.id': `reader-${process.pid}-${Date.now()}`,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'enable.partition.eof': false,
      // The broker answers a fetch as soon as one byte is there; this only bounds an idle fetch.
      'fetch.wait.max.ms': 10,
      'socket.connection.setup.timeout.ms': 5_000,
    },
    // Only reached when a start offset was deleted by retention between lookup and fetch.
    { 'auto.offset.reset': 'earliest' },
  );
  const metadata = await new Promise<Metadata>((resolve, reject) => {
    consumer.connect({ timeout: 5_000 }, (error, data) =>
      error
        ? reject(new AppError('KAFKA_UNAVAILABLE', `cannot reach Kafka at ${brokers}: ${error.message} (is the stack up? make up)`, { cause: error }))
        : resolve(data),
    );
  });
  const assignment: TopicPartition[] = [];
  for (const name of topics) {
    const partitions = metadata.topics.find((t) => t.name === name)?.partitions.map((p) => p.id) ?? [];
    if (partitions.length === 0) {
      await disconnect(consumer);
      throw new AppError('NOT_FOUND', `topic ${name} does not exist on ${brokers} (create it: cli topics create)`);
    }
    assignment.push(...partitions.map((partition) => ({ topic: name, partition })));
  }
  const starts = await startOffsets(consumer, assignment, from);
  // Next offset to read per partition: what readToEnd compares with the high watermark.
  const positions = new Map(starts);
  consumer.setDefaultConsumeTimeout(pollMs);
  // Otherwise consume(n) waits up to pollMs for EACH record, holding a steady trickle back until n
  // arrive or a gap opens. The method exists at run time but is missing from the package's types.
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage: (only: boolean) => void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  consumer.assign(assignment.map((tp) => ({ ...tp, offset: starts.get(keyOf(tp))! })));
  const poll = () =>
    new Promise<TopicRecord[]>((resolve, reject) => {
      consumer.consume(1_000, (error, messages) => {
        if (error) return reject(error);
        for (const message of messages) positions.set(keyOf(message), message.offset + 1);
        resolve(messages.map(toTopicRecord));
      });
    });
  return {
    assignment,
    poll,
    readToEnd: async (timeoutMs) => {
      const ends = new Map(await Promise.all(assignment.map(async (tp) => [keyOf(tp), (await queryWatermarks(consumer, tp)).high] as const)));
      const caughtUp = () => assignment.every((tp) => positions.get(keyOf(tp))! >= ends.get(keyOf(tp))!);
      const records: TopicRecord[] = [];
      const deadline = Date.now() + timeoutMs;
      while (!caughtUp()) {
        if (Date.now() > deadline) throw new AppError('TIMEOUT', `reading ${topics.join(', ')} to the end took longer than ${timeoutMs} ms`);
        records.push(...(await poll()));
      }
      return records;
    },
    close: () => disconnect(consumer),
  };
}

type Consumer = InstanceType<typeof kafka.KafkaConsumer>;

export const keyOf = ({ topic, partition }: TopicPartition) => `${topic}:${partition}`;

function queryWatermarks(consumer: Consumer, { topic, partition }: TopicPartition): Promise<{ low: number; high: number }> {
  return new Promise((resolve, reject) => {
    consumer.queryWatermarkOffsets(topic, partition, 5_000, (error, offsets) =>
      error ? reject(error) : resolve({ low: offsets.lowOffset, high: offsets.highOffset }),
    );
  });
}

async function startOffsets(consumer: Consumer, assignment: TopicPartition[], from: TopicReaderOptions['from']): Promise<Map<string, number>> {
  const watermarks = new Map(await Promise.all(assignment.map(async (tp) => [keyOf(tp), await queryWatermarks(consumer, tp)] as const)));
  if (from === 'beginning') return new Map(assignment.map((tp) => [keyOf(tp), watermarks.get(keyOf(tp))!.low]));
  if (from === 'end') return new Map(assignment.map((tp) => [keyOf(tp), watermarks.get(keyOf(tp))!.high]));
  if ('offsets' in from) return new Map(assignment.map((tp) => [keyOf(tp), from.offsets.get(keyOf(tp)) ?? watermarks.get(keyOf(tp))!.low]));
  const found = await new Promise<Array<{ topic: string; partition: number; offset: number }>>((resolve, reject) => {
    consumer.offsetsForTimes(
      assignment.map((tp) => ({ ...tp, offset: from.timestamp })),
      5_000,
      (error, offsets) => (error ? reject(error) : resolve(offsets)),
    );
  });
  // -1: no record at or after the timestamp, so there is nothing to read there yet.
  return new Map(found.map((tp) => [keyOf(tp), tp.offset < 0 ? watermarks.get(keyOf(tp))!.high : tp.offset]));
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

import kafka, { type Message } from '@confluentinc/kafka-javascript';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../errors.ts';

/** When and how an event first showed up on a topic. */
export interface Sighting {
  /** Wall clock when this process got the record from librdkafka. */
  arrivalMs: number;
  /** The record's Kafka timestamp (CreateTime, set by the producer). */
  timestampMs: number;
  /** Debezium's source.ts_ms (the transaction's commit time from the WAL), when the record has one. */
  sourceTsMs: number | null;
}

export interface Correlation {
  id: string;
  sourceTsMs?: number | null;
}

/** Finds the event a record belongs to; null for records that are not ours to count. */
export type Correlate = (message: Message) => Correlation | null;

export interface TopicWatch {
  topic: string;
  /** First sighting per event id; later copies (at-least-once redelivery) only count as duplicates. */
  sightings: Map<string, Sighting>;
  records: () => number;
  duplicates: () => number;
  valueBytes: () => number;
  /** Resolves with the ids still missing when all arrived or the time ran out. */
  waitFor: (ids: readonly string[], timeoutMs: number, onProgress?: (seen: number) => void) => Promise<string[]>;
}

export interface TopicWatchSpec {
  topic: string;
  correlate: Correlate;
}

export interface TopicWatches {
  watches: TopicWatch[];
  close: () => Promise<void>;
}

type Consumer = InstanceType<typeof kafka.KafkaConsumer>;

/**
 * Watches topics from their current end by assigning every partition (no group, no commits), so
 * watching changes nothing any consumer group sees, and no record written after the call can be
 * missed: the start offsets are the high watermarks read before anything is written.
 * ONE consumer for all the topics: each blocking consume() call holds a thread of libuv's pool
 * (4 threads by default) while it waits, so one consumer per topic would queue the watchers
 * behind each other, delay arrivals by up to the consume timeout, and starve scrypt.
 */
export async function watchTopics(brokers: string, specs: readonly TopicWatchSpec[]): Promise<TopicWatches> {
  const consumer: Consumer = new kafka.KafkaConsumer(
    {
      'bootstrap.servers': brokers,
      'group.id': `bench-watch-${process.pid}-${Date.now()}`,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      // The broker answers a fetch as soon as one byte is there; this only bounds an idle fetch.
      'fetch.wait.max.ms': 10,
      'socket.connection.setup.timeout.ms': 5_000,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  const metadata = await new Promise<kafka.Metadata>((resolve, reject) =>
    consumer.connect({ timeout: 5_000 }, (error, data) => (error ? reject(new AppError('KAFKA_UNAVAILABLE', `cannot reach Kafka at ${brokers}: ${error.message}`, { cause: error })) : resolve(data))),
  );
  const assignment: Array<{ topic: string; partition: number; offset: number }> = [];
  for (const { topic } of specs) {
    const partitions = metadata.topics.find((entry) => entry.name === topic)?.partitions.map((partition) => partition.id) ?? [];
    if (partitions.length === 0) {
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
      throw new AppError('NOT_FOUND', `topic ${topic} does not exist (make up creates the application topics)`);
    }
    for (const partition of partitions) assignment.push({ topic, partition, offset: await highWatermark(consumer, topic, partition) });
  }
  consumer.assign(assignment);
  // Without this, consume(n) waits up to the timeout for EACH of the n records, so a steady trickle
  // is held back until n records or a long enough gap: arrival times would be off by up to the
  // timeout. The KafkaJS layer of the same client sets it the same way (not in the typings).
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(value: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  consumer.setDefaultConsumeTimeout(50);

  let stopped = false;
  let failure: unknown;
  const states = new Map(specs.map(({ topic, correlate }) => [topic, { correlate, sightings: new Map<string, Sighting>(), records: 0, duplicates: 0, valueBytes: 0 }]));
  const loop = (async () => {
    while (!stopped) {
      const messages = await new Promise<Message[]>((resolve, reject) => consumer.consume(2_000, (error, batch) => (error ? reject(error) : resolve(batch))));
      const arrivalMs = Date.now();
      for (const message of messages) {
        const state = states.get(message.topic);
        if (state === undefined) continue;
        state.records++;
        state.valueBytes += message.value?.length ?? 0;
        const found = state.correlate(message);
        if (found === null) continue;
        if (state.sightings.has(found.id)) state.duplicates++;
        else state.sightings.set(found.id, { arrivalMs, timestampMs: message.timestamp ?? Number.NaN, sourceTsMs: found.sourceTsMs ?? null });
      }
    }
  })().catch((error: unknown) => {
    failure = error;
  });

  const watches = specs.map(({ topic }): TopicWatch => {
    const state = states.get(topic)!;
    return {
      topic,
      sightings: state.sightings,
      records: () => state.records,
      duplicates: () => state.duplicates,
      valueBytes: () => state.valueBytes,
      waitFor: async (ids, timeoutMs, onProgress) => {
        const deadline = Date.now() + timeoutMs;
        let lastReport = Date.now();
        let missing = ids.filter((id) => !state.sightings.has(id));
        while (missing.length > 0 && Date.now() < deadline) {
          if (failure !== undefined) throw new AppError('KAFKA_UNAVAILABLE', `watching ${topic} failed: ${(failure as Error).message}`, { cause: failure });
          await delay(50);
          missing = missing.filter((id) => !state.sightings.has(id));
          if (onProgress !== undefined && Date.now() - lastReport >= 2_000) {
            lastReport = Date.now();
            onProgress(ids.length - missing.length);
          }
        }
        return missing;
      },
    };
  });
  return {
    watches,
    close: async () => {
      stopped = true;
      await loop;
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    },
  };
}

function highWatermark(consumer: Consumer, topic: string, partition: number): Promise<number> {
  return new Promise((resolve, reject) => consumer.queryWatermarkOffsets(topic, partition, 5_000, (error, offsets) => (error ? reject(error) : resolve(offsets.highOffset))));
}

import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../../service/errors.ts';
import { openTopicReader, type TopicRecord } from '../../service/kafka/topic-reader.ts';

/** When and how an event first showed up on a topic. */
export interface Sighting {
  /** Wall clock when this process got the record from librdkafka. */
  arrivalMs: number;
  /** The record's Kafka timestamp (CreateTime, set by the producer). */
  timestampMs: number;
  /** Debezium's source.ts_ms (the transaction's commit time from the WAL), when the record has one. */
  sourceTsMs: number | null;
  /** What the record says about the event beyond its arrival: for a dead letter, where and why it failed. */
  detail?: string;
}

export interface Correlation {
  id: string;
  sourceTsMs?: number | null;
  detail?: string;
}

/** Finds the event a record belongs to; null for records that are not ours to count. */
export type Correlate = (record: TopicRecord) => Correlation | null;

export interface TopicWatch {
  topic: string;
  /** First sighting per event id; later copies (at-least-once redelivery) only count as duplicates. */
  sightings: Map<string, Sighting>;
  records: () => number;
  duplicates: () => number;
  valueBytes: () => number;
  /**
   * Resolves with the ids still missing when all arrived or the time ran out. `guard` is called on
   * every round and ends the wait by throwing (an awaited event was dead-lettered: dead-letter-stop.ts).
   */
  waitFor: (ids: readonly string[], timeoutMs: number, onProgress?: (seen: number) => void, guard?: () => void) => Promise<string[]>;
}

export interface TopicWatchSpec {
  topic: string;
  correlate: Correlate;
}

export interface TopicWatches {
  watches: TopicWatch[];
  close: () => Promise<void>;
}

/**
 * Watches topics from their current end (the high watermarks read before anything is written, so
 * no record written after the call is missed), without a group or commits.
 * ONE reader for all the topics: each blocking consume() call holds a thread of libuv's pool
 * (4 threads by default) while it waits, so one reader per topic would queue the watchers behind
 * each other, delay arrivals by up to the poll timeout, and starve scrypt.
 */
export async function watchTopics(brokers: string, specs: readonly TopicWatchSpec[]): Promise<TopicWatches> {
  const reader = await openTopicReader({ brokers, topic: specs.map((spec) => spec.topic), from: 'end', pollMs: 50 });

  let stopped = false;
  let failure: unknown;
  const states = new Map(
    specs.map(({ topic, correlate }) => [topic, { correlate, sightings: new Map<string, Sighting>(), records: 0, duplicates: 0, valueBytes: 0 }]),
  );
  const loop = (async () => {
    while (!stopped) {
      const records = await reader.poll();
      const arrivalMs = Date.now();
      for (const record of records) {
        const state = states.get(record.topic);
        if (state === undefined) continue;
        state.records++;
        state.valueBytes += record.value === null ? 0 : Buffer.byteLength(record.value);
        const found = state.correlate(record);
        if (found === null) continue;
        if (state.sightings.has(found.id)) state.duplicates++;
        else
          state.sightings.set(found.id, {
            arrivalMs,
            timestampMs: record.timestamp,
            sourceTsMs: found.sourceTsMs ?? null,
            ...(found.detail === undefined ? {} : { detail: found.detail }),
          });
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
      waitFor: async (ids, timeoutMs, onProgress, guard) => {
        const deadline = Date.now() + timeoutMs;
        let lastReport = Date.now();
        let missing = ids.filter((id) => !state.sightings.has(id));
        while (missing.length > 0 && Date.now() < deadline) {
          if (failure !== undefined) throw new AppError('KAFKA_UNAVAILABLE', `watching ${topic} failed: ${(failure as Error).message}`, { cause: failure });
          guard?.();
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
      await reader.close();
    },
  };
}

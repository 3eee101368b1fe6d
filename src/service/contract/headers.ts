import type { KafkaJS } from '@confluentinc/kafka-javascript';

export type Headers = KafkaJS.IHeaders;

/**
 * Header names of a routed event. The notification handler reads the event id from here, so the
 * payload stays exactly what the catalog's schema describes.
 */
export const eventHeaders = {
  eventId: 'event-id',
  eventType: 'event-type',
  aggregateType: 'aggregate-type',
  aggregateId: 'aggregate-id',
  occurredAt: 'occurred-at',
  /** When the outbox row committed in PostgreSQL (Debezium's source.ts_ms), ISO-8601: the start of every freshness figure. */
  committedAt: 'committed-at',
  traceparent: 'traceparent',
} as const;

/** Every header a dead-letter record adds; one prefix, so they never collide with the original's. */
export const deadLetterHeaderPrefix = 'dlq-';

export const deadLetterHeaders = {
  stage: 'dlq-stage',
  errorCode: 'dlq-error-code',
  errorMessage: 'dlq-error-message',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  originalTimestamp: 'dlq-original-timestamp',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

/**
 * Headers a replayed record carries (cli dlq replay): which dead letter it replays, when, and how
 * many times this event has been replayed. Not under the dlq- prefix on purpose: the dead-letter
 * builder keeps them, so a replay that fails again is dead-lettered with its count, and the
 * replay cap (--max-replays) can stop a loop.
 */
export const replayHeaders = {
  /** `<dead-letter topic>:<partition>:<offset>` of the dead letter this record replays. */
  of: 'replay-of',
  at: 'replay-at',
  count: 'replay-count',
} as const;

/** The first value of a header as UTF-8 text, or undefined when absent. */
export function headerText(headers: Headers | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

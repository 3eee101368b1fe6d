import { readEnvelope } from '../contract/envelope-reader.ts';
import { eventHeaders, headerText } from '../contract/headers.ts';
import type { SourceRecord } from './dead-letter.ts';
import type { RecordFacts } from './group-observer.ts';

/** A Debezium change record of the outbox: the commit time is source.ts_ms, the trace context the row's traceparent column. */
export function cdcRecordFacts(record: SourceRecord): RecordFacts {
  const envelope = readEnvelope(record.value);
  if (envelope === undefined) return {};
  return { eventId: envelope.eventId, eventType: envelope.eventType, committedAtMs: envelope.committedAtMs, traceparent: envelope.traceparent };
}

/** A routed record: everything travels in the event headers the router wrote. */
export function routedRecordFacts(record: SourceRecord): RecordFacts {
  const committedAt = Date.parse(headerText(record.headers, eventHeaders.committedAt) ?? '');
  return {
    eventId: headerText(record.headers, eventHeaders.eventId),
    eventType: headerText(record.headers, eventHeaders.eventType),
    committedAtMs: Number.isFinite(committedAt) ? committedAt : undefined,
    traceparent: headerText(record.headers, eventHeaders.traceparent),
  };
}

import type { OutboxEventRecord } from '../contract/envelope-decoder.ts';
import { eventCatalog, isEventType, type RoutedTopicSetting, topicOf } from '../contract/events.ts';
import { eventHeaders } from '../contract/headers.ts';
import { AppError } from '../errors.ts';
import { isValidTraceparent } from '../outbox/trace-context.ts';

/** What the producer sends for one routed event. */
export interface RoutedRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export type RouteResult = { kind: 'route'; record: RoutedRecord } | { kind: 'error'; error: AppError };

/**
 * Decides where an outbox event goes and what it carries. The destination comes from the
 * catalog through the config, never from the event_type column, so a row written by hand
 * cannot make the router produce to an arbitrary topic.
 */
export function routeEvent(event: OutboxEventRecord, topics: Readonly<Record<RoutedTopicSetting, string>>): RouteResult {
  const { eventType } = event;
  if (!isEventType(eventType)) {
    return fail('UNKNOWN_EVENT_TYPE', `event type ${JSON.stringify(eventType.slice(0, 100))} is not in the catalog`);
  }
  const definition = eventCatalog[eventType];
  if (event.aggregateType !== definition.aggregateType) {
    return fail('INVALID_PAYLOAD', `${eventType} belongs to aggregate ${definition.aggregateType}, not ${JSON.stringify(event.aggregateType.slice(0, 100))}`);
  }
  const payload = definition.payload.safeParse(event.payload);
  if (!payload.success) {
    const where = payload.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return fail('INVALID_PAYLOAD', `${eventType} payload does not match its schema: ${where}`, payload.error.issues);
  }

  const headers: Record<string, string> = {
    [eventHeaders.eventId]: event.id,
    [eventHeaders.eventType]: eventType,
    [eventHeaders.aggregateType]: event.aggregateType,
    [eventHeaders.aggregateId]: event.aggregateId,
    [eventHeaders.occurredAt]: event.createdAt,
  };
  if (event.committedAtMs !== null) headers[eventHeaders.committedAt] = new Date(event.committedAtMs).toISOString();
  // A malformed trace header is dropped, not fatal: tracing is best effort, the event is valid.
  if (event.traceparent !== null && isValidTraceparent(event.traceparent)) headers[eventHeaders.traceparent] = event.traceparent;

  return {
    kind: 'route',
    record: { topic: topicOf(eventType, topics), key: event.aggregateId, value: JSON.stringify(payload.data), headers },
  };
}

function fail(code: 'UNKNOWN_EVENT_TYPE' | 'INVALID_PAYLOAD', message: string, details?: unknown): RouteResult {
  return { kind: 'error', error: new AppError(code, message, { retryable: false, details }) };
}

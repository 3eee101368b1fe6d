import { z } from 'zod';
import { AppError } from '../errors.ts';
import { type EventPayload, type EventType, eventCatalog } from './events.ts';
import { eventHeaders, type Headers, headerText } from './headers.ts';

const eventId = z.uuid();

export interface RoutedEvent<T extends EventType> {
  eventId: string;
  payload: EventPayload<T>;
}

/**
 * Reads a routed record back as an event of `type`: the event id from its header (an inbox's or a
 * projection's key) and the payload checked against the catalog's schema, the one the router used.
 * Pure; a bad record is an error value, to be dead-lettered.
 */
export function parseRoutedRecord<T extends EventType>(type: T, value: Buffer | null, headers: Headers | undefined): RoutedEvent<T> | AppError {
  const id = eventId.safeParse(headerText(headers, eventHeaders.eventId));
  if (!id.success) return new AppError('MALFORMED_RECORD', `record has no valid ${eventHeaders.eventId} header`, { retryable: false });
  if (value === null) return new AppError('MALFORMED_RECORD', 'record has no value', { retryable: false });
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return new AppError('MALFORMED_RECORD', 'record value is not JSON', { retryable: false });
  }
  const payload = eventCatalog[type].payload.safeParse(json);
  if (!payload.success) {
    return new AppError('INVALID_PAYLOAD', `${type} payload does not match its schema: ${payload.error.issues[0]?.path.join('.') ?? ''}`, {
      retryable: false,
      details: payload.error.issues,
    });
  }
  return { eventId: id.data, payload: payload.data as EventPayload<T> };
}

/**
 * The event type a routed record declares. A record without the header predates it or was written
 * by hand: it is read as `fallback`, what that topic carried when it had one event type.
 */
export function routedEventType(headers: Headers | undefined, fallback: EventType): string {
  return headerText(headers, eventHeaders.eventType) ?? fallback;
}

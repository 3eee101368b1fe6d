import { readEnvelope } from '../../service/contract/envelope-reader.ts';
import { deadLetterHeaders } from '../../service/contract/headers.ts';
import type { TopicRecord } from '../../service/kafka/topic-reader.ts';
import type { Correlation } from './topic-watch.ts';

// Every hop is joined on the aggregate (user) id: it is the record key on the CDC topic (Debezium
// message.key.columns), the key the router produces with, and notifications.user_id, and HTTP
// registrations only learn the user id from the 201 response.

/** dbz.public.outbox_events: key {"aggregate_id": ...}; value = envelope with source.ts_ms. */
export function correlateCdcRecord(message: Pick<TopicRecord, 'key' | 'value'>): Correlation | null {
  const key = parseJson(message.key);
  const fromKey = isRecord(key) && typeof key.aggregate_id === 'string' ? key.aggregate_id : typeof key === 'string' ? key : null;
  const envelope = readEnvelope(message.value);
  const id = fromKey ?? envelope?.aggregateId ?? null;
  if (id === null) return null;
  return { id, sourceTsMs: envelope?.committedAtMs ?? null };
}

/** Records keyed by the plain aggregate id: the routed topic and the polling relay's topic. */
export function correlateByKey(message: Pick<TopicRecord, 'key'>): Correlation | null {
  if (message.key === null) return null;
  const id = message.key;
  return id === '' ? null : { id };
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Dead-letter records keep the original key, whichever stage failed: find the aggregate id in it.
 * The detail says where and why it failed, from the dead-letter headers.
 */
export function correlateDeadLetter(message: Pick<TopicRecord, 'key'> & Partial<Pick<TopicRecord, 'headers'>>): Correlation | null {
  const match = message.key === null ? null : uuidPattern.exec(message.key);
  if (match === null) return null;
  const headers = message.headers ?? {};
  const code = headers[deadLetterHeaders.errorCode];
  if (code === undefined) return { id: match[0].toLowerCase() };
  const detail = `${code} at stage ${headers[deadLetterHeaders.stage] ?? '?'} after ${headers[deadLetterHeaders.attempts] ?? '?'} attempt(s): ${headers[deadLetterHeaders.errorMessage] ?? ''}`;
  return { id: match[0].toLowerCase(), detail };
}

function parseJson(raw: string | null): unknown {
  if (raw === null || raw.length === 0) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

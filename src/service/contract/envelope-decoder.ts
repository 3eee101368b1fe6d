import { z } from 'zod';
import { AppError } from '../errors.ts';
import { type Envelope, readEnvelope } from './envelope-reader.ts';

/** One row of outbox_events as Debezium published it, with the jsonb payload already parsed. */
export interface OutboxEventRecord {
  id: string;
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  payload: unknown;
  createdAt: string;
  traceparent: string | null;
  /** source.ts_ms: when the transaction committed in PostgreSQL; null when the envelope lacks it. */
  committedAtMs: number | null;
}

export const skipReasons = ['tombstone', 'heartbeat', 'message', 'update', 'delete', 'truncate'] as const;
export type SkipReason = (typeof skipReasons)[number];

export type DecodedEnvelope = { kind: 'event'; event: OutboxEventRecord } | { kind: 'skip'; reason: SkipReason } | { kind: 'error'; error: AppError };

export interface DecodeOptions {
  /** The topic the record came from: Debezium heartbeats live on their own topic. */
  topic?: string;
  /** Larger values are refused before parsing; a broker's default limit is 1 MiB. */
  maxBytes?: number;
}

// Debezium writes heartbeats to "__debezium-heartbeat.<topic.prefix>" by default.
const heartbeatTopicPrefix = '__debezium-heartbeat';
const defaultMaxBytes = 1024 * 1024;

// Only the columns the router needs; Debezium may add others (schema changes) without breaking us.
const outboxRow = z.object({
  id: z.uuid(),
  aggregate_type: z.string().min(1).max(255),
  aggregate_id: z.string().min(1).max(255),
  event_type: z.string().min(1).max(255),
  // The JSON converter without schemas sends jsonb as a JSON string; an object is tolerated in
  // case the connector is ever configured to expand it.
  payload: z.union([z.string(), z.record(z.string(), z.unknown())]),
  // timestamptz arrives as io.debezium.time.ZonedTimestamp, an ISO-8601 string.
  created_at: z.iso.datetime({ offset: true }),
  traceparent: z.string().nullish(),
});

/**
 * Turns one record value of the CDC topic into an outbox event, a counted skip, or an error.
 * Pure and total: any input, however broken, yields a result and never an exception, so a
 * poison record is dead-lettered instead of crashing the consumer.
 */
export function decodeEnvelope(value: Buffer | string | null | undefined, { topic, maxBytes = defaultMaxBytes }: DecodeOptions = {}): DecodedEnvelope {
  if (topic?.startsWith(heartbeatTopicPrefix)) return skip('heartbeat');
  // A delete is followed by a tombstone (tombstones.on.delete defaults to true) for log compaction.
  if (value === null || value === undefined) return skip('tombstone');
  const size = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  if (size === 0) return skip('tombstone');
  if (size > maxBytes) return malformed(`record value is ${size} bytes, more than the ${maxBytes} allowed`);

  const envelope = readEnvelope(value);
  if (envelope === undefined) return malformed('record value is not a JSON Debezium envelope object');
  const { body, op } = envelope;
  if (body.op !== undefined && op === undefined) return malformed('envelope op is not a string');

  switch (op) {
    case 'c':
    case 'r':
      return decodeRow(envelope);
    case 'u':
      return skip('update');
    case 'd':
      return skip('delete');
    case 't':
      return skip('truncate');
    case 'm':
      // pg_logical_emit_message, which heartbeat action queries may use.
      return skip('message');
    case undefined:
      // A heartbeat value is only {"ts_ms": ...}: no op and no row.
      return body.after === undefined || body.after === null ? skip('heartbeat') : malformed('envelope has a row but no op');
    default:
      return malformed(`unknown Debezium op ${JSON.stringify(op).slice(0, 20)}`);
  }
}

function decodeRow({ after, payload, payloadMalformed, committedAtMs }: Envelope): DecodedEnvelope {
  if (after === null) return malformed('create/read envelope without an "after" row');
  const row = outboxRow.safeParse(after);
  if (!row.success) return malformed(`outbox row does not match: ${summarise(row.error)}`, row.error.issues);
  if (payloadMalformed) return malformed('outbox payload is not valid JSON');
  return {
    kind: 'event',
    event: {
      id: row.data.id,
      aggregateType: row.data.aggregate_type,
      aggregateId: row.data.aggregate_id,
      eventType: row.data.event_type,
      payload,
      createdAt: row.data.created_at,
      traceparent: row.data.traceparent ?? null,
      committedAtMs: committedAtMs ?? null,
    },
  };
}

function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function skip(reason: SkipReason): DecodedEnvelope {
  return { kind: 'skip', reason };
}

function malformed(message: string, details?: unknown): DecodedEnvelope {
  return { kind: 'error', error: new AppError('MALFORMED_ENVELOPE', message, { retryable: false, details }) };
}

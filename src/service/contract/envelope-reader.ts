/**
 * One Debezium change record of the outbox table, read leniently: whatever is missing or of the
 * wrong type is undefined, nothing throws. Tools that look at records (trace, tail, the bench, the
 * tests) read them through this; the router validates on top of it (envelope-decoder.ts).
 */
export interface Envelope {
  /** The envelope object itself, unwrapped from the {schema, payload} form when schemas are enabled. */
  body: Record<string, unknown>;
  op: string | undefined;
  after: Record<string, unknown> | null;
  before: Record<string, unknown> | null;
  /** source.ts_ms: when the transaction committed in PostgreSQL. */
  committedAtMs: number | undefined;
  /** source.lsn: the change's position in the WAL. */
  lsn: number | undefined;
  /** Columns of the outbox row (after), when present as strings. */
  eventId: string | undefined;
  eventType: string | undefined;
  aggregateType: string | undefined;
  aggregateId: string | undefined;
  createdAt: string | undefined;
  traceparent: string | undefined;
  /** The jsonb payload: Debezium sends it as a JSON string, parsed here; an object is taken as it is. */
  payload: unknown;
  /** True when the payload was a string that is not JSON. */
  payloadMalformed: boolean;
}

/** undefined when the value is not a JSON object at all (a tombstone, garbage). */
export function readEnvelope(value: string | Buffer | null | undefined): Envelope | undefined {
  if (value === null || value === undefined || value.length === 0) return undefined;
  const parsed = parseJson(typeof value === 'string' ? value : value.toString('utf8'));
  if (!isObject(parsed)) return undefined;
  const body = isObject(parsed.payload) && 'schema' in parsed && 'op' in parsed.payload ? parsed.payload : parsed;
  const after = isObject(body.after) ? body.after : null;
  const source = isObject(body.source) ? body.source : {};
  const rawPayload = after?.payload;
  const payload = typeof rawPayload === 'string' ? parseJson(rawPayload) : rawPayload;
  return {
    body,
    op: text(body.op),
    after,
    before: isObject(body.before) ? body.before : null,
    committedAtMs: typeof source.ts_ms === 'number' ? source.ts_ms : undefined,
    lsn: typeof source.lsn === 'number' ? source.lsn : undefined,
    eventId: text(after?.id),
    eventType: text(after?.event_type),
    aggregateType: text(after?.aggregate_type),
    aggregateId: text(after?.aggregate_id),
    createdAt: text(after?.created_at),
    traceparent: text(after?.traceparent),
    payload: payload === notJson ? undefined : payload,
    payloadMalformed: payload === notJson,
  };
}

const notJson = Symbol('not JSON');

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return notJson;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/service/config.ts';
import { readEnvelope } from '../../src/service/contract/envelope-reader.ts';
import { openTopicReader, readUntil, type TopicReader, type TopicRecord } from '../../src/service/kafka/topic-reader.ts';

export const config: Config = loadConfig();

export const readTimeoutMs = 60_000;

/** A plain pg pool: these tests write the outbox with SQL, as any writer could. */
export function openPool(): pg.Pool {
  return new pg.Pool({ connectionString: config.DATABASE_URL, max: 4 });
}

export interface OutboxRow {
  id: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

/** A row unique to the calling test: its own event id and, unless given, its own aggregate id. */
export function newRow(
  aggregateId = `agg-${randomUUID()}`,
  payload: Record<string, unknown> = { note: 'cdc test', nested: { n: 1, list: [1, 'two', null] } },
): OutboxRow {
  return { id: randomUUID(), aggregateId, payload };
}

export async function insertRow(pool: pg.Pool | pg.PoolClient, row: OutboxRow): Promise<void> {
  await pool.query(
    `insert into outbox_events (id, aggregate_type, aggregate_id, event_type, payload) values ($1, 'CdcTest', $2, 'CdcTestHappened', $3::jsonb)`,
    [row.id, row.aggregateId, JSON.stringify(row.payload)],
  );
}

export interface CdcRecord extends TopicRecord {
  op: string | undefined;
  after: Record<string, unknown> | null;
  before: Record<string, unknown> | null;
}

export function parseRecord(record: TopicRecord): CdcRecord {
  const envelope = readEnvelope(record.value);
  return { ...record, op: envelope?.op, after: envelope?.after ?? null, before: envelope?.before ?? null };
}

/** A reader positioned at the current end of the topic: only records written after this call. */
export function readerAtEnd(topic = config.CDC_TOPIC): Promise<TopicReader> {
  return openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: 'end' });
}

/**
 * Reads until every listed event id has arrived, or fails after the timeout naming the ones still
 * missing: a broken pipeline must fail the test, not hang it.
 */
export async function readEvents(reader: TopicReader, ids: readonly string[], timeoutMs = readTimeoutMs): Promise<CdcRecord[]> {
  const found = (records: TopicRecord[]) => {
    const seen = new Set(records.map((record) => idOf(record)));
    return ids.every((id) => seen.has(id));
  };
  const records = await readUntil(reader, found, timeoutMs);
  const parsed = records.map(parseRecord);
  const missing = ids.filter((id) => !parsed.some((record) => record.after?.id === id));
  if (missing.length > 0) throw new Error(`no record for event(s) ${missing.join(', ')} within ${timeoutMs} ms`);
  return parsed;
}

function idOf(record: TopicRecord): string | undefined {
  return readEnvelope(record.value)?.eventId;
}

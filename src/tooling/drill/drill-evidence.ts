import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Config } from '../../service/config.ts';
import { readEnvelope } from '../../service/contract/envelope-reader.ts';
import { eventHeaders } from '../../service/contract/headers.ts';
import type { Db } from '../../service/db/database.ts';
import { createKafka } from '../../service/kafka/client.ts';
import { withAdmin } from '../../service/kafka/topics.ts';
import { logFile, type StackContext, type StackProcess } from '../stack/stack-process.ts';
import type { Committed } from './drill-writer.ts';

/** The notification ids among `registrations` whose notification is SENT. */
export async function sentOf(db: Db, registrations: readonly Committed[]): Promise<Set<string>> {
  if (registrations.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select id from notifications where status = 'SENT' and id = any(${registrations.map((r) => r.notificationId)}::uuid[])`.execute(db);
  return new Set(rows.map((row) => row.id));
}

export function countIds(records: ReadonlyArray<{ value: Buffer | string | null; headers: Record<string, string> }>, envelope: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const id = envelope ? readEnvelope(record.value)?.eventId : record.headers[eventHeaders.eventId];
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export async function deadLetterDepth(config: Config): Promise<number> {
  return withAdmin(
    () => createKafka(config).admin(),
    config.KAFKA_BROKERS,
    async (admin) => (await admin.fetchTopicOffsets(config.DLQ_TOPIC)).reduce((sum, p) => sum + Number(p.high), 0),
  );
}

/** Where each kafka-consumer's log ends now: the sends after it are the drill's. */
export async function logSizes(context: StackContext, consumers: readonly StackProcess[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const consumer of consumers)
    sizes.set(logFile(consumer, context.paths), (await readFile(logFile(consumer, context.paths)).catch(() => Buffer.alloc(0))).length);
  return sizes;
}

/** The log sender writes one line per send, synchronously: counting them, in every consumer's log, counts the sends. */
export async function sendsSince(offsets: ReadonlyMap<string, number>): Promise<Map<string, number>> {
  const sends = new Map<string, number>();
  for (const [file, offset] of offsets) {
    const text = (await readFile(file)).subarray(offset).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.includes('"notification sent"')) continue;
      const id = (JSON.parse(line) as { notification?: { eventId?: string } }).notification?.eventId;
      if (id !== undefined) sends.set(id, (sends.get(id) ?? 0) + 1);
    }
  }
  return sends;
}

/** The longest commit -> SENT among these registrations (notification created in the registration's transaction, sent_at when SENT). */
export async function longestCommitToSent(db: Db, registrations: readonly Committed[]): Promise<number | undefined> {
  if (registrations.length === 0) return undefined;
  const { rows } = await sql<{ ms: number | null }>`
    select max(extract(epoch from (sent_at - created_at)) * 1000)::float8 as ms from notifications
    where status = 'SENT' and id = any(${registrations.map((r) => r.notificationId)}::uuid[])`.execute(db);
  return rows[0]?.ms ?? undefined;
}

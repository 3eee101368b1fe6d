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

/** Among `registrations`, notification id -> when it became SENT (ms since the epoch), for those SENT. */
export async function sentTimes(db: Db, registrations: readonly Committed[]): Promise<Map<string, number>> {
  if (registrations.length === 0) return new Map();
  const { rows } = await sql<{ id: string; sentAt: Date }>`
    select id, sent_at as "sentAt" from notifications
    where status = 'SENT' and id = any(${registrations.map((r) => r.notificationId)}::uuid[])`.execute(db);
  return new Map(rows.map((row) => [row.id, row.sentAt.getTime()]));
}

/** Per handler: the inbox rows of these events (one each when every handler applied every event once). */
export async function inboxRows(db: Db, eventIds: readonly string[]): Promise<Record<string, number>> {
  if (eventIds.length === 0) return {};
  const { rows } = await sql<{ handler: string; n: string }>`
    select handler, count(*) as n from inbox where event_id = any(${eventIds}::uuid[]) group by handler order by handler`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.handler, Number(row.n)]));
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

/** A log of a process that sends notifications, and where the drill's part of it starts. */
export interface SenderLog {
  path: string;
  offset: number;
}

/** Where each of these kafka-consumers' logs ends now: the sends after it are the drill's. */
export async function consumerLogs(context: StackContext, consumers: readonly StackProcess[]): Promise<SenderLog[]> {
  return Promise.all(
    consumers.map(async (consumer) => {
      const path = logFile(consumer, context.paths);
      return { path, offset: (await readFile(path).catch(() => Buffer.alloc(0))).length };
    }),
  );
}

/** The log sender writes one line per send, synchronously: counting them, across every sender's log, counts the sends. */
export async function sendsSince(logs: readonly SenderLog[]): Promise<Map<string, number>> {
  const sends = new Map<string, number>();
  for (const log of logs) {
    const text = (await readFile(log.path)).subarray(log.offset).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.includes('"notification sent"')) continue;
      const id = (JSON.parse(line) as { notification?: { eventId?: string } }).notification?.eventId;
      if (id !== undefined) sends.set(id, (sends.get(id) ?? 0) + 1);
    }
  }
  return sends;
}

import { sql } from 'kysely';
import type { Config } from '../../service/config.ts';
import { readEnvelope } from '../../service/contract/envelope-reader.ts';
import { eventHeaders, replayHeaders } from '../../service/contract/headers.ts';
import { resolveStages } from '../../service/contract/stages.ts';
import type { Db } from '../../service/db/database.ts';
import { openTopicReader, type TopicRecord } from '../../service/kafka/topic-reader.ts';
import { deadLetterRef, decodeDeadLetter } from '../dlq/dead-letter-entry.ts';
import type { AuditFacts, SeenRecord } from './audit-verdict.ts';

// A record's Kafka timestamp can precede its row's created_at only by clock skew and commit time.
const windowSlackMs = 60_000;
const readTimeoutMs = 120_000;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AuditProgress = (step: string) => void;

/**
 * The facts of every outbox event created since `sinceMs`: its records on the CDC topic, the
 * routed topics and the dead-letter topic, whether the notifier's inbox has it, and the status of
 * the notification its payload names. Topics are
 * read without joining a group; nothing is written anywhere.
 */
export async function gatherAudit(config: Config, db: Db, sinceMs: number, progress: AuditProgress): Promise<AuditFacts[]> {
  progress('reading the outbox rows of the window');
  const rows = await db
    .selectFrom('outbox_events')
    .select(['id', 'event_type', 'aggregate_id', 'created_at', 'payload'])
    .where('created_at', '>=', new Date(sinceMs))
    .orderBy('created_at')
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);

  const stages = resolveStages(config);
  const routedTopics = [...new Set(stages.flatMap((stage) => stage.outputTopics))];
  const topics = [config.CDC_TOPIC, ...routedTopics, config.DLQ_TOPIC];
  progress(`reading ${topics.join(', ')} from ${new Date(sinceMs - windowSlackMs).toISOString()} to their ends`);
  const records = await readTopics(config, topics, sinceMs - windowSlackMs);
  progress(`read ${records.length} records; reading the inbox`);

  const wanted = new Set(ids);
  const cdc = new Map<string, SeenRecord[]>();
  const routed = new Map<string, SeenRecord[]>();
  const dead = new Map<string, AuditFacts['deadLetters']>();
  const push = <T>(map: Map<string, T[]>, id: string | undefined, item: T) => {
    if (id !== undefined && wanted.has(id)) map.set(id, [...(map.get(id) ?? []), item]);
  };
  for (const record of records) {
    const seen = { partition: record.partition, offset: record.offset, replay: record.headers[replayHeaders.of] !== undefined };
    if (record.topic === config.CDC_TOPIC) push(cdc, readEnvelope(record.value)?.eventId, seen);
    else if (record.topic === config.DLQ_TOPIC) {
      const entry = decodeDeadLetter(record, config);
      push(dead, entry.eventId, { stage: entry.stage, code: entry.code, ref: deadLetterRef(entry.at) });
    } else push(routed, record.headers[eventHeaders.eventId], seen);
  }

  const inbox = await db
    .selectFrom('inbox')
    .select('event_id')
    .where('handler', '=', config.NOTIFIER_INBOX_HANDLER)
    .where(sql<boolean>`event_id = any(${ids}::uuid[])`)
    .execute();
  const handled = new Set(inbox.map((row) => row.event_id));

  const notificationOf = new Map(
    rows.flatMap((row) => {
      const id = (row.payload as { notificationId?: unknown } | null)?.notificationId;
      return typeof id === 'string' && uuidPattern.test(id) ? [[row.id, id] as const] : [];
    }),
  );
  const notificationIds = [...new Set(notificationOf.values())];
  const statuses =
    notificationIds.length === 0
      ? new Map<string, string>()
      : new Map(
          (await db.selectFrom('notifications').select(['id', 'status']).where(sql<boolean>`id = any(${notificationIds}::uuid[])`).execute()).map((row) => [
            row.id,
            row.status as string,
          ]),
        );

  return rows.map((row) => ({
    eventId: row.id,
    eventType: row.event_type,
    aggregateId: row.aggregate_id,
    createdAtMs: row.created_at.getTime(),
    cdc: cdc.get(row.id) ?? [],
    routed: routed.get(row.id) ?? [],
    deadLetters: dead.get(row.id) ?? [],
    handled: handled.has(row.id),
    notificationStatus: notificationOf.has(row.id) ? (statuses.get(notificationOf.get(row.id)!) ?? 'absent') : undefined,
  }));
}

async function readTopics(config: Config, topics: string[], fromMs: number): Promise<TopicRecord[]> {
  const reader = await openTopicReader({ brokers: config.KAFKA_BROKERS, topic: topics, from: { timestamp: fromMs } });
  try {
    return await reader.readToEnd(readTimeoutMs);
  } finally {
    await reader.close();
  }
}

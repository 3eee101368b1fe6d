import type { ConnectClient } from '../../service/cdc/connect-client.ts';
import { slotStatus } from '../../service/cdc/replication-slot.ts';
import type { Config } from '../../service/config.ts';
import { readEnvelope } from '../../service/contract/envelope-reader.ts';
import { routedTopicSettings } from '../../service/contract/events.ts';
import { deadLetterHeaders, eventHeaders } from '../../service/contract/headers.ts';
import type { Db } from '../../service/db/database.ts';
import { AppError } from '../../service/errors.ts';
import { openTopicReader, type TopicRecord } from '../../service/kafka/topic-reader.ts';
import { isValidTraceparent } from '../../service/outbox/trace-context.ts';
import type { TraceFacts } from './trace-verdict.ts';

export interface TraceDeps {
  db: Db;
  config: Config;
  connect: ConnectClient;
  connectorName: string;
  slotName: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The Kafka timestamps of a record can precede created_at only by clock skew; a minute is ample.
const windowSlackMs = 60_000;
const readTimeoutMs = 30_000;

/** Every hop of the events whose id, or whose aggregate (user) id, is `id`. */
export async function gatherTrace(deps: TraceDeps, id: string): Promise<TraceFacts[]> {
  const events = await findEvents(deps.db, id);
  if (events.length === 0) throw new AppError('NOT_FOUND', `no outbox event and no user's event with id ${id} (a retention purge may have removed it)`);
  const since = Math.min(...events.map((e) => e.created_at.getTime())) - windowSlackMs;
  const ids = new Set(events.map((e) => e.id));

  const { CDC_TOPIC, DLQ_TOPIC } = deps.config;
  // Every topic the catalog routes to: an event is looked for wherever its type goes.
  const routedTopics = routedTopicSettings().map((setting) => deps.config[setting]);
  const window = await readWindow(deps.config, [CDC_TOPIC, ...routedTopics, DLQ_TOPIC], since);
  const cdc = window.filter((record) => record.topic === CDC_TOPIC);
  const routed = window.filter((record) => routedTopics.includes(record.topic));
  const deadLetters = window.filter((record) => record.topic === DLQ_TOPIC);
  const cdcById = indexBy(cdc, outboxIdOf, ids);
  const routedById = indexBy(routed, (r) => r.headers[eventHeaders.eventId], ids);
  const deadById = indexBy(deadLetters, (r) => r.headers[eventHeaders.eventId] ?? outboxIdOf(r), ids);

  const inbox = await deps.db
    .selectFrom('inbox')
    .select(['event_id', 'processed_at'])
    .where('event_id', 'in', [...ids])
    .execute();
  const notificationIds = events
    .map((e) => (e.payload as { notificationId?: unknown } | null)?.notificationId)
    .filter((n): n is string => typeof n === 'string' && uuidPattern.test(n));
  const notifications =
    notificationIds.length === 0
      ? []
      : await deps.db.selectFrom('notifications').select(['id', 'status', 'sent_at']).where('id', 'in', notificationIds).execute();

  const capture = events.some((e) => !cdcById.has(e.id)) ? await captureState(deps) : undefined;
  return events.map((event) => {
    const cdcRecord = cdcById.get(event.id);
    const routedRecord = routedById.get(event.id);
    const dead = deadById.get(event.id);
    const processed = inbox.find((row) => row.event_id === event.id);
    const notificationId = (event.payload as { notificationId?: string } | null)?.notificationId;
    const notification = notifications.find((n) => n.id === notificationId);
    return {
      event: { id: event.id, aggregateId: event.aggregate_id, eventType: event.event_type, createdAt: event.created_at, traceId: traceIdOf(event.traceparent) },
      cdc:
        cdcRecord === undefined
          ? null
          : { partition: cdcRecord.partition, offset: cdcRecord.offset, timestamp: new Date(cdcRecord.timestamp), committedAt: commitTimeOf(cdcRecord) },
      routed:
        routedRecord === undefined
          ? null
          : { topic: routedRecord.topic, partition: routedRecord.partition, offset: routedRecord.offset, timestamp: new Date(routedRecord.timestamp) },
      deadLetter:
        dead === undefined
          ? null
          : {
              stage: dead.headers[deadLetterHeaders.stage] ?? '?',
              errorCode: dead.headers[deadLetterHeaders.errorCode] ?? '?',
              errorMessage: dead.headers[deadLetterHeaders.errorMessage] ?? '?',
              failedAt: dead.headers[deadLetterHeaders.failedAt] ?? '?',
              partition: dead.partition,
              offset: dead.offset,
            },
      inbox: processed === undefined ? null : { processedAt: processed.processed_at },
      notification: notification === undefined ? null : { id: notification.id, status: notification.status, sentAt: notification.sent_at },
      ...(capture === undefined || cdcRecord !== undefined ? {} : { capture }),
    };
  });
}

async function findEvents(db: Db, id: string) {
  let query = db.selectFrom('outbox_events').select(['id', 'aggregate_id', 'event_type', 'payload', 'created_at', 'traceparent']);
  query = uuidPattern.test(id) ? query.where((eb) => eb.or([eb('id', '=', id), eb('aggregate_id', '=', id)])) : query.where('aggregate_id', '=', id);
  return query.orderBy('created_at').execute();
}

async function readWindow(config: Config, topic: readonly string[], since: number): Promise<TopicRecord[]> {
  const reader = await openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: { timestamp: since } });
  try {
    return await reader.readToEnd(readTimeoutMs);
  } finally {
    await reader.close();
  }
}

async function captureState({ connect, connectorName, config, slotName }: TraceDeps): Promise<NonNullable<TraceFacts['capture']>> {
  const status = await connect.getStatus(connectorName).catch(() => undefined);
  const slot = await slotStatus(config.DATABASE_URL, slotName).catch(() => undefined);
  return {
    connectorState: status?.connector.state ?? 'MISSING or unreachable',
    taskStates: status?.tasks.map((t) => t.state) ?? [],
    slotActive: slot?.active ?? null,
    slotRetainedBytes: slot?.retainedBytes ?? null,
  };
}

// version-traceid-parentid-flags: the trace id is the second field.
function traceIdOf(traceparent: string | null): string | null {
  return traceparent !== null && isValidTraceparent(traceparent) ? traceparent.split('-')[1]! : null;
}

function outboxIdOf(record: TopicRecord): string | undefined {
  return readEnvelope(record.value)?.eventId;
}

// Debezium's source.ts_ms is the commit time of the transaction in PostgreSQL.
function commitTimeOf(record: TopicRecord): Date | null {
  const committedAtMs = readEnvelope(record.value)?.committedAtMs;
  return committedAtMs === undefined ? null : new Date(committedAtMs);
}

/** The first record per wanted id: a redelivery after a crash does not change when it first arrived. */
function indexBy(records: TopicRecord[], idOf: (record: TopicRecord) => string | undefined, wanted: Set<string>): Map<string, TopicRecord> {
  const index = new Map<string, TopicRecord>();
  for (const record of records) {
    const id = idOf(record);
    if (id !== undefined && wanted.has(id) && !index.has(id)) index.set(id, record);
  }
  return index;
}

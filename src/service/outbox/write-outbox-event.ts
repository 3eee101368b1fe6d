import { randomUUID } from 'node:crypto';
import type { InsertQueryBuilder, InsertResult, Transaction } from 'kysely';
import { type EventPayload, type EventType, eventCatalog } from '../contract/events.ts';
import type { Database } from '../db/tables.ts';
import { AppError } from '../errors.ts';

export interface OutboxEventInput<T extends EventType> {
  type: T;
  aggregateId: string;
  payload: EventPayload<T>;
  traceparent?: string | null;
  id?: string;
}

/**
 * The only way to write the outbox: the insert, built and validated but not yet run, so the caller
 * may compose it with the change it announces into one statement (executeAsOneStatement). It takes
 * a Transaction, not a Kysely instance, so the compiler refuses an event written outside the
 * transaction of that change. The payload is validated before anything is stored: a bad event
 * fails the whole transaction here, instead of reaching the dead-letter topic later.
 */
export function outboxEventInsert<T extends EventType>(
  trx: Transaction<Database>,
  event: OutboxEventInput<T>,
): { id: string; insert: InsertQueryBuilder<Database, 'outbox_events', InsertResult> } {
  const definition = eventCatalog[event.type];
  const parsed = definition.payload.safeParse(event.payload);
  if (!parsed.success) {
    throw new AppError('INVALID_PAYLOAD', `${event.type} payload does not match its schema`, { details: parsed.error.issues, retryable: false });
  }
  const id = event.id ?? randomUUID();
  const insert = trx.insertInto('outbox_events').values({
    id,
    aggregate_type: definition.aggregateType,
    aggregate_id: event.aggregateId,
    event_type: event.type,
    payload: JSON.stringify(parsed.data),
    traceparent: event.traceparent ?? null,
  });
  return { id, insert };
}

/** The outbox insert as a statement of its own, for a transaction that has nothing to compose it with. */
export async function writeOutboxEvent<T extends EventType>(trx: Transaction<Database>, event: OutboxEventInput<T>): Promise<string> {
  const { id, insert } = outboxEventInsert(trx, event);
  await insert.execute();
  return id;
}

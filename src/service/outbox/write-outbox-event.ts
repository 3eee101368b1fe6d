import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
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
 * The only way to write the outbox. It takes a Transaction, not a Kysely instance, so the
 * compiler refuses an event written outside the transaction of the change it announces.
 * The payload is validated before it is stored: a bad event fails the whole transaction here,
 * instead of reaching the dead-letter topic later.
 */
export async function writeOutboxEvent<T extends EventType>(trx: Transaction<Database>, event: OutboxEventInput<T>): Promise<string> {
  const definition = eventCatalog[event.type];
  const parsed = definition.payload.safeParse(event.payload);
  if (!parsed.success) {
    throw new AppError('INVALID_PAYLOAD', `${event.type} payload does not match its schema`, { details: parsed.error.issues, retryable: false });
  }
  const id = event.id ?? randomUUID();
  await trx
    .insertInto('outbox_events')
    .values({
      id,
      aggregate_type: definition.aggregateType,
      aggregate_id: event.aggregateId,
      event_type: event.type,
      payload: JSON.stringify(parsed.data),
      traceparent: event.traceparent ?? null,
    })
    .execute();
  return id;
}

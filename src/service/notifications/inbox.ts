import type { Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';

/**
 * Records that `handler` applied `eventId`, inside the caller's transaction. False means it was
 * applied before: the caller must do nothing. Concurrent duplicates serialise on the primary
 * key, so exactly one of them sees true.
 */
export async function recordInInbox(trx: Transaction<Database>, handler: string, eventId: string): Promise<boolean> {
  const inserted = await trx
    .insertInto('inbox')
    .values({ handler, event_id: eventId })
    .onConflict((conflict) => conflict.columns(['handler', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

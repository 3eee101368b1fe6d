import { type Compilable, sql, type Transaction } from 'kysely';
import type { Database } from './tables.ts';

/**
 * Runs several inserts as ONE statement of the transaction, all but the last as data-modifying
 * CTEs: one round trip to PostgreSQL instead of one per insert, which is most of what a small
 * insert costs the caller. PostgreSQL runs every data-modifying CTE exactly once and to completion
 * whether or not the main query reads it, and checks foreign keys at the end of the statement, so
 * a row may reference one an earlier insert of the same statement writes. One failing fails them
 * all. It takes the Transaction, like each builder composed, so it adds no way to write outside one.
 */
export async function executeAsOneStatement(trx: Transaction<Database>, inserts: readonly [Compilable, ...Compilable[]]): Promise<void> {
  const ctes = inserts.slice(0, -1);
  const last = inserts[inserts.length - 1]!;
  if (ctes.length === 0) {
    await sql`${last}`.execute(trx);
    return;
  }
  const named = ctes.map((insert, index) => sql`${sql.id(`insert_${index + 1}`)} as (${insert})`);
  await sql`with ${sql.join(named)} ${last}`.execute(trx);
}

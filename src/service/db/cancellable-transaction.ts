import { sql, type Transaction } from 'kysely';
import { type Db, withSideConnection } from './database.ts';
import { classifyDatabaseError } from './database-errors.ts';
import type { Database } from './tables.ts';

/**
 * A transaction that ends when `signal` fires: the statement it is running is cancelled in
 * PostgreSQL (pg_cancel_backend, from a connection outside the pool) and the transaction rolls back,
 * so its row locks and its pooled connection are free again before the caller retries. The cancel
 * is awaited before the transaction ends, so it can never land on the next user of the connection.
 *
 * Kysely's own per-query abort is not used here: inside a transaction its ROLLBACK is queued behind
 * the blocked statement before the cancel is sent, and the cancel then declines to hit "another"
 * query, so the transaction waits for the lock after all.
 */
export async function cancellableTransaction<T>(db: Db, signal: AbortSignal, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
    const pid = rows[0]!.pid;
    let cancelled: Promise<unknown> | undefined;
    const cancel = () => {
      cancelled = withSideConnection(db, (client) => client.query('select pg_cancel_backend($1)', [pid])).catch((error: unknown) =>
        classifyDatabaseError(error),
      );
    };
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
    try {
      return await work(trx);
    } finally {
      signal.removeEventListener('abort', cancel);
      await cancelled;
    }
  });
}

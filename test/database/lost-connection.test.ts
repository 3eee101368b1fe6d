import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import { isAppError } from '../../src/service/errors.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { openTestDatabase } from '../support/database.ts';

const db = await openTestDatabase();
after(() => db.destroy());

// What an immediate PostgreSQL restart does to a transaction between two statements (the drill's
// postgres fault crashed the kafka-consumer this way): the server ends the connection while no
// statement is in flight. pg_terminate_backend does the same to one connection, without cutting the
// shared server's other users.
test('a connection lost inside a transaction fails that transaction as DATABASE_UNAVAILABLE, the process lives on, the pool reconnects', async () => {
  const outcome = await db
    .transaction()
    .execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      const pid = rows[0]!.pid;
      await sql`select pg_terminate_backend(${pid})`.execute(db);
      await waitFor(async () => (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where pid = ${pid}`.execute(db)).rows[0]!.n === 0, {
        what: `backend ${pid} gone`,
        timeoutMs: 10_000,
      });
      await sql`select 1`.execute(trx);
    })
    .then(
      () => 'committed',
      (error: unknown) => error,
    );
  assert.ok(isAppError(outcome), `expected an AppError, got ${String(outcome)}`);
  assert.equal(outcome.code, 'DATABASE_UNAVAILABLE');
  assert.equal(outcome.retryable, true);
  const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
  assert.equal(rows[0]!.one, 1);
});

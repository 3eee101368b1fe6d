import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { userRegisteredPayload } from '../../src/service/contract/events.ts';
import type { Db } from '../../src/service/db/database.ts';
import { AppError } from '../../src/service/errors.ts';
import { writeOutboxEvent } from '../../src/service/outbox/write-outbox-event.ts';
import { verifyPassword } from '../../src/service/users/password-hash.ts';
import { registerUser } from '../../src/service/users/register-user.ts';
import { testHashPassword } from '../support/app.ts';
import { countRows, openTestDatabase, uniqueEmail } from '../support/database.ts';

const password = 'correct horse battery staple';
let db: Db;
const deps = () => ({ db, hashPassword: testHashPassword });

before(async () => {
  db = await openTestDatabase();
});
after(async () => {
  await db.destroy();
});

describe('registerUser on real PostgreSQL', () => {
  test('commits the user, its pending notification and its outbox event with matching ids', async () => {
    const email = uniqueEmail('three-rows');
    const registered = await registerUser(deps(), { email, password });

    const user = await db.selectFrom('users').selectAll().where('id', '=', registered.id).executeTakeFirstOrThrow();
    const notification = await db.selectFrom('notifications').selectAll().where('user_id', '=', registered.id).executeTakeFirstOrThrow();
    const event = await db.selectFrom('outbox_events').selectAll().where('id', '=', registered.eventId).executeTakeFirstOrThrow();

    assert.equal(user.email, email);
    assert.equal(notification.id, registered.notificationId);
    // Written PENDING; the test stack's kafka-consumer may have delivered it before this read.
    assert.ok(['PENDING', 'SENT'].includes(notification.status), notification.status);
    assert.equal(notification.type, 'USER_REGISTRATION');
    assert.equal(event.aggregate_type, 'User');
    assert.equal(event.aggregate_id, registered.id);
    assert.equal(event.event_type, 'UserRegistered');
    const payload = userRegisteredPayload.parse(event.payload);
    assert.deepEqual(payload, { userId: registered.id, email, notificationId: registered.notificationId, registeredAt: registered.createdAt.toISOString() });
  });

  test('writes the three rows in one statement: one round trip inside the transaction', async () => {
    // transformResult runs once per statement executed (transformQuery also sees the composed parts).
    let statements = 0;
    const counting = db.withPlugin({
      transformQuery: ({ node }) => node,
      transformResult: async ({ result }) => {
        statements++;
        return result;
      },
    });
    const registered = await registerUser({ db: counting, hashPassword: testHashPassword }, { email: uniqueEmail('one-statement'), password });
    assert.equal(statements, 1);
    assert.ok(await db.selectFrom('outbox_events').select('id').where('id', '=', registered.eventId).executeTakeFirst());
    assert.ok(await db.selectFrom('notifications').select('id').where('id', '=', registered.notificationId).executeTakeFirst());
  });

  test('stores the password only as an argon2id PHC string, and puts neither password nor hash in the event', async () => {
    const registered = await registerUser(deps(), { email: uniqueEmail('hash'), password });
    const user = await db.selectFrom('users').select('password_hash').where('id', '=', registered.id).executeTakeFirstOrThrow();
    assert.match(user.password_hash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$[\w+/]{22}\$[\w+/]{43}$/);
    assert.ok(!user.password_hash.includes(password));
    assert.equal(await verifyPassword(password, user.password_hash), true);

    const { rows } = await sql<{ text: string }>`select row_to_json(o)::text as text from outbox_events o where id = ${registered.eventId}`.execute(db);
    const stored = rows[0]!.text;
    assert.ok(!stored.includes(password), 'the event must not carry the password');
    assert.ok(!stored.includes(user.password_hash.split('$')[4]!), 'the event must not carry the hash');
    assert.ok(!/password/i.test(stored), 'the event must not even name a password field');
  });

  for (const table of ['notifications', 'outbox_events'] as const) {
    test(`rolls back every row when the ${table} insert fails`, async () => {
      const email = uniqueEmail(`atomic-${table}`);
      const trigger = `fail_${table}_${Math.random().toString(36).slice(2, 8)}`;
      // A real failure inside PostgreSQL, raised only for this test's email, after the user row was inserted.
      const condition = table === 'notifications' ? sql.raw(`new.message like '%${email}%'`) : sql.raw(`new.payload->>'email' = '${email}'`);
      await sql`create function ${sql.id(trigger)}() returns trigger language plpgsql as $$
        begin if ${condition} then raise exception 'forced failure for the atomicity test'; end if; return new; end $$`.execute(db);
      await sql`create trigger ${sql.id(trigger)} before insert on ${sql.table(table)} for each row execute function ${sql.id(trigger)}()`.execute(db);
      try {
        const before = await countRows(db);
        await assert.rejects(
          registerUser(deps(), { email, password }),
          (error: unknown) => error instanceof AppError && error.code === 'DATABASE_ERROR' && !error.retryable,
        );
        assert.deepEqual(await countRows(db), before);
        assert.equal(await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst(), undefined);
      } finally {
        await sql`drop trigger ${sql.id(trigger)} on ${sql.table(table)}`.execute(db);
        await sql`drop function ${sql.id(trigger)}()`.execute(db);
      }
    });
  }

  test('an outbox event failing its schema aborts the transaction that carried it', async () => {
    const before = await countRows(db);
    const id = crypto.randomUUID();
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('users')
          .values({ id, email: uniqueEmail('bad-event'), password_hash: 'x' })
          .execute();
        await writeOutboxEvent(trx, {
          type: 'UserRegistered',
          aggregateId: id,
          payload: { userId: id, email: 'not-an-email', notificationId: id, registeredAt: 'yesterday' },
        });
      }),
      (error: unknown) => error instanceof AppError && error.code === 'INVALID_PAYLOAD',
    );
    assert.deepEqual(await countRows(db), before);
  });

  test('a second registration of the same email in another case is EMAIL_TAKEN', async () => {
    const email = uniqueEmail('case');
    await registerUser(deps(), { email, password });
    await assert.rejects(
      registerUser(deps(), { email: email.toUpperCase(), password }),
      (error: unknown) => error instanceof AppError && error.code === 'EMAIL_TAKEN',
    );
  });
});

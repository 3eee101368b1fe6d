import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { config, insertRow, newRow, openPool, parseRecord, readEvents, readerAtEnd } from './cdc-support.ts';

const pool = openPool();
after(() => pool.end());

before(async () => {
  // The publication the connector reads must publish inserts only (migration 0003).
  const { rows } = await pool.query(`select pubinsert, pubupdate, pubdelete, pubtruncate from pg_publication where pubname = 'outbox_publication'`);
  assert.deepEqual(rows, [{ pubinsert: true, pubupdate: false, pubdelete: false, pubtruncate: false }]);
});

test('an inserted outbox row arrives keyed by its aggregate id with its jsonb payload intact', { timeout: 90_000 }, async () => {
  const reader = await readerAtEnd();
  try {
    const row = newRow(undefined, {
      text: 'héllo "quoted" \\ slash',
      number: 12.5,
      flag: true,
      empty: {},
      list: [1, 'two', null],
      nested: { deep: { deeper: [] } },
    });
    await insertRow(pool, row);
    const [record] = (await readEvents(reader, [row.id])).filter((r) => r.after?.id === row.id);
    assert.ok(record);
    assert.equal(record.topic, config.CDC_TOPIC);
    assert.equal(record.op, 'c');
    assert.deepEqual(JSON.parse(record.key ?? 'null'), { aggregate_id: row.aggregateId });
    assert.equal(record.after?.aggregate_id, row.aggregateId);
    assert.equal(record.after?.event_type, 'CdcTestHappened');
    // jsonb comes as a JSON string inside after.payload (JsonConverter without schemas).
    assert.equal(typeof record.after?.payload, 'string');
    assert.deepEqual(JSON.parse(record.after?.payload as string), row.payload);
  } finally {
    await reader.close();
  }
});

test('events of one aggregate arrive on one partition in commit order', { timeout: 90_000 }, async () => {
  const reader = await readerAtEnd();
  try {
    const first = newRow();
    const rows = [first, ...Array.from({ length: 4 }, () => newRow(first.aggregateId))];
    // Separate transactions, committed one after the other: commit order is the order to keep.
    for (const row of rows) await insertRow(pool, row);
    const records = (
      await readEvents(
        reader,
        rows.map((row) => row.id),
      )
    ).filter((r) => r.after?.aggregate_id === first.aggregateId);
    assert.equal(new Set(records.map((r) => r.partition)).size, 1, 'one partition for one aggregate');
    assert.deepEqual(
      records.map((r) => r.after?.id),
      rows.map((row) => row.id),
    );
  } finally {
    await reader.close();
  }
});

test('updates and deletes of outbox rows produce no record', { timeout: 90_000 }, async () => {
  const reader = await readerAtEnd();
  try {
    const row = newRow();
    await insertRow(pool, row);
    await pool.query(`update outbox_events set payload = '{"changed": true}'::jsonb where id = $1`, [row.id]);
    await pool.query('delete from outbox_events where id = $1', [row.id]);
    // Anything the update or delete produced is in the WAL before this later insert, so once the
    // marker has arrived and every partition is drained, its absence is proven without sleeping.
    const marker = newRow(row.aggregateId);
    await insertRow(pool, marker);
    const records = [...(await readEvents(reader, [row.id, marker.id])), ...(await reader.readToEnd(10_000)).map(parseRecord)];
    const touching = records.filter((r) => r.value === null || r.after?.id === row.id || r.before?.id === row.id || r.after?.aggregate_id === row.aggregateId);
    assert.deepEqual(
      touching.map((r) => [r.op, r.after?.id ?? null]),
      [
        ['c', row.id],
        ['c', marker.id],
      ],
    );
  } finally {
    await reader.close();
  }
});

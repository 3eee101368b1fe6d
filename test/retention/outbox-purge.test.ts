import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createConnectClient } from '../../src/service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../src/service/cdc/connector-config.ts';
import { waitForConnectorRunning } from '../../src/service/cdc/ensure-connector.ts';
import { createDatabase } from '../../src/service/db/database.ts';
import { createLogger } from '../../src/service/logger.ts';
import { startRetention } from '../../src/service/retention/run-retention.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { config, insertRow, newRow, openPool, readEvents, readerAtEnd } from '../cdc/cdc-support.ts';
import { runCli } from '../support/cli.ts';

const pool = openPool();
after(() => pool.end());

const client = createConnectClient(config.CONNECT_URL);
const connectorName = (await loadConnectorConfig(config)).name;

async function present(ids: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from outbox_events where id = any($1::uuid[])', [ids]);
  return rows[0]!.n;
}

// The guarantee: a purge never deletes a row Debezium has not captured. With the connector paused
// nothing is confirmed, so `--older-than 0` must keep every row committed meanwhile; once resumed,
// every row is delivered, and the next purge deletes them.
test('purge --older-than 0 keeps what a paused connector has not captured, and deletes it once captured', { timeout: 240_000 }, async () => {
  const reader = await readerAtEnd();
  const rows = Array.from({ length: 20 }, () => newRow());
  const ids = rows.map((row) => row.id);
  try {
    try {
      await client.pause(connectorName);
      await waitFor(async () => (await client.getStatus(connectorName))?.tasks.every((task) => task.state === 'PAUSED') === true || undefined, {
        what: 'the connector task paused',
        timeoutMs: 30_000,
      });
      for (const row of rows) await insertRow(pool, row);

      const purge = await runCli(['outbox', 'purge', '--older-than', '0', '--capture-timeout', '3s']);
      assert.equal(purge.code, 0, purge.stderr);
      assert.equal(await present(ids), rows.length, `a purge deleted rows the paused connector had not captured:\n${purge.stdout}`);
      assert.match(purge.stdout, /kept \d+ row\(s\) older than the cutoff that Debezium has not confirmed yet/);
    } finally {
      await client.resume(connectorName);
      await waitForConnectorRunning(client, connectorName, { timeoutMs: 120_000 });
    }
    await readEvents(reader, ids);
  } finally {
    await reader.close();
  }

  const purge = await runCli(['outbox', 'purge', '--older-than', '0', '--batch-size', '7']);
  assert.equal(purge.code, 0, purge.stderr);
  assert.equal(await present(ids), 0, purge.stdout);
  const deleted = Number(/deleted (\d+) row\(s\), (\d+) bytes of row data/.exec(purge.stdout)?.[1]);
  assert.ok(deleted >= rows.length, purge.stdout);
});

test('purge refuses a duration it cannot read, naming the form it expects', async () => {
  const purge = await runCli(['outbox', 'purge', '--older-than', '7 days']);
  assert.notEqual(purge.code, 0);
  assert.match(purge.stderr, /expected a duration such as 0, 90s, 15m, 12h, 7d or 2w/);
});

// The kafka-consumer's automatic purge, run here on its own with OUTBOX_RETENTION=0: it deletes a
// captured row within a couple of rounds, and leaves a row younger than the retention alone.
test('the automatic purge deletes captured rows past OUTBOX_RETENTION; a purge leaves younger rows alone', { timeout: 120_000 }, async () => {
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2 });
  const reader = await readerAtEnd();
  const row = newRow();
  try {
    await insertRow(pool, row);
    await readEvents(reader, [row.id]);
    const retention = startRetention({
      config: { ...config, OUTBOX_RETENTION: '0', PURGE_INTERVAL: '500' },
      database: () => db,
      logger: createLogger('silent'),
    });
    try {
      await waitFor(async () => (await present([row.id])) === 0, { what: 'the captured row purged', timeoutMs: 60_000 });
    } finally {
      await retention?.stop();
    }
    const young = newRow();
    await insertRow(pool, young);
    await readEvents(reader, [young.id]);
    // Captured, but younger than the cutoff: kept.
    const purge = await runCli(['outbox', 'purge', '--older-than', '1h']);
    assert.equal(purge.code, 0, purge.stderr);
    assert.equal(await present([young.id]), 1);
  } finally {
    await reader.close();
    await db.destroy();
  }
});

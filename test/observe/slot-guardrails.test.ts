import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/service/config.ts';
import { runCli } from '../support/cli.ts';

const config = loadConfig();

// The test stack was brought up like `make up`: the slot's WAL is bounded, and status shows how
// safe it is. (extended, unreserved and lost cannot be made on a shared server without putting
// every other slot at risk: the verdict for each is a unit test of evaluateStatus.)
test('the stack bounds the WAL a slot may hold, and status reports wal_status and safe_wal_size', { timeout: 60_000 }, async () => {
  const client = new pg.Client({ connectionString: config.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string; wanted: string }>(
      `select pg_size_bytes(current_setting('max_slot_wal_keep_size'))::text as bytes, pg_size_bytes($1)::text as wanted`,
      [config.SLOT_MAX_WAL_KEEP_SIZE],
    );
    assert.equal(rows[0]!.bytes, rows[0]!.wanted);
  } finally {
    await client.end();
  }

  const json = await runCli(['status', '--json']);
  const snapshot = JSON.parse(json.stdout) as { slot: { walStatus?: string; safeWalBytes?: number | null }; healthy: boolean };
  assert.equal(snapshot.slot.walStatus, 'reserved', json.stdout);
  assert.ok(typeof snapshot.slot.safeWalBytes === 'number' && snapshot.slot.safeWalBytes > 0, json.stdout);

  const text = await runCli(['status']);
  assert.match(text.stdout, /slot {12}\S+ active, \d+ bytes of WAL behind, wal_status reserved, safe_wal_size \d+/);
});

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createConnectClient } from '../../src/service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../src/service/cdc/connector-config.ts';
import { waitForConnectorRunning } from '../../src/service/cdc/ensure-connector.ts';
import { stackPaths } from '../../src/tooling/stack/paths.ts';
import { ensureProcessRunning, processPid, stopStackProcess } from '../../src/tooling/stack/process-lifecycle.ts';
import type { StackContext } from '../../src/tooling/stack/stack-process.ts';
import { findStackProcess } from '../../src/tooling/stack/stack-processes.ts';
import { config, insertRow, newRow, openPool, readEvents, readerAtEnd } from './cdc-support.ts';

const pool = openPool();
after(() => pool.end());

const context: StackContext = { config, paths: stackPaths(config) };
const connect = findStackProcess('connect');
const managed = connect !== undefined && (await processPid(connect, context)) !== undefined;

test('a row committed while Connect is stopped is delivered after Connect restarts', {
  timeout: 240_000,
  skip: managed ? false : "Kafka Connect is not run by this checkout's stack (make up): cannot stop and restart it",
}, async () => {
  const process = connect!;
  const connector = await loadConnectorConfig(config);
  const reader = await readerAtEnd();
  try {
    await stopStackProcess(process, context);
    assert.equal(await processPid(process, context), undefined, 'Connect is down');
    const rows = [newRow(), newRow()];
    for (const row of rows) await insertRow(pool, row);

    await ensureProcessRunning(process, context);
    await waitForConnectorRunning(createConnectClient(config.CONNECT_URL), connector.name, { timeoutMs: 120_000 });
    const records = await readEvents(
      reader,
      rows.map((row) => row.id),
      120_000,
    );
    for (const row of rows)
      assert.ok(
        records.some((record) => record.after?.id === row.id && record.op === 'c'),
        `event ${row.id} delivered`,
      );
  } finally {
    // Leave Connect running for the rest of the suite whatever happened above.
    await ensureProcessRunning(process, context).catch(() => {});
    await reader.close();
  }
});

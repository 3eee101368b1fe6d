import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { connectorConfigFile, databaseSettings, renderConnectorConfig } from './connector-config.ts';

const template = readFileSync(connectorConfigFile, 'utf8');

test('database settings come from DATABASE_URL', () => {
  const config = renderConnectorConfig(template, { DATABASE_URL: 'postgres://app:s3cr%22t@db.internal:6543/outbox', SLOT_NAME: 'outbox_slot' });
  assert.equal(config['database.hostname'], 'db.internal');
  assert.equal(config['database.port'], '6543');
  assert.equal(config['database.user'], 'app');
  assert.equal(config['database.password'], 's3cr"t', 'a quote in the password must survive JSON');
  assert.equal(config['database.dbname'], 'outbox');
  assert.ok(!Object.values(config).some((value) => value.includes('{{')), 'no placeholder left');
});

test('defaults for port and user, and a URL without a database is refused', () => {
  assert.deepEqual(databaseSettings('postgres://127.0.0.1/outbox'), {
    DATABASE_HOST: '127.0.0.1',
    DATABASE_PORT: '5432',
    DATABASE_USER: 'postgres',
    DATABASE_PASSWORD: '',
    DATABASE_NAME: 'outbox',
  });
  assert.throws(() => databaseSettings('postgres://127.0.0.1:5432'), /names no database/);
});

test('connector.json keeps the outbox contract', () => {
  const config = renderConnectorConfig(template, { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/outbox', SLOT_NAME: 'other_slot' });
  assert.equal(config['plugin.name'], 'pgoutput');
  assert.equal(config['slot.name'], 'other_slot', 'the slot name comes from SLOT_NAME');
  assert.equal(`${config['topic.prefix']}.${config['table.include.list']}`, 'dbz.public.outbox_events');
  assert.equal(config['message.key.columns'], 'public.outbox_events:aggregate_id');
  assert.equal(config['tombstones.on.delete'], 'false');
  assert.deepEqual(config['skipped.operations']?.split(',').sort(), ['d', 't', 'u']);
  // no_data / never would drop every row committed before the connector's first start.
  assert.ok(['initial', 'when_needed'].includes(config['snapshot.mode'] ?? ''), `snapshot.mode ${config['snapshot.mode']}`);
  assert.ok(Number(config['heartbeat.interval.ms']) > 0);
  assert.match(config['heartbeat.action.query'] ?? '', /pg_logical_emit_message/);
  assert.equal(config['value.converter.schemas.enable'], 'false');
});

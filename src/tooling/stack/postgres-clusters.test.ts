import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLocalHost, parsePgLsclusters } from './postgres-clusters.ts';

test('parses pg_lsclusters -h lines', () => {
  const output =
    '15 main 5432 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log\n16 test 5433 down postgres /var/lib/postgresql/16/test /var/log/x.log\n';
  assert.deepEqual(parsePgLsclusters(output), [
    { version: '15', name: 'main', port: 5432, status: 'online' },
    { version: '16', name: 'test', port: 5433, status: 'down' },
  ]);
});

test('only a loopback database is a candidate for a local restart', () => {
  assert.equal(isLocalHost('127.0.0.1'), true);
  assert.equal(isLocalHost('localhost'), true);
  assert.equal(isLocalHost('postgres'), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describePortOwner, parseSsListeners } from './listening-ports.ts';

const ssOutput = `LISTEN 0      244        127.0.0.1:5432       0.0.0.0:*    users:(("postgres",pid=2185,fd=5))
LISTEN 0      50    [::ffff:127.0.0.1]:9092             *:*    users:(("java",pid=16268,fd=150),("java",pid=16268,fd=151))
LISTEN 0      4096               *:8083             *:*
LISTEN 0      128          0.0.0.0:2024       0.0.0.0:*
LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*    users:(("systemd-resolve",pid=301,fd=14))
garbage line
`;

test('parses port, pid and process name from ss -Hltnp output', () => {
  const owners = parseSsListeners(ssOutput);
  assert.deepEqual(owners, [
    { port: 5432, pid: 2185, name: 'postgres' },
    { port: 9092, pid: 16268, name: 'java' },
    { port: 8083, pid: undefined, name: undefined },
    { port: 2024, pid: undefined, name: undefined },
    { port: 53, pid: 301, name: 'systemd-resolve' },
  ]);
});

test('names the holder of a port, or says why it cannot', () => {
  assert.equal(describePortOwner({ port: 9092, pid: 123, name: 'java' }), 'port 9092 is taken by pid 123 (java)');
  assert.match(describePortOwner({ port: 8083, pid: undefined, name: undefined }), /port 8083 is taken \(run as root/);
});

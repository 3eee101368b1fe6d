import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../service/config.ts';
import { debeziumDir } from '../../service/project-paths.ts';
import { stackPaths } from './paths.ts';
import { findStackProcess } from './stack-processes.ts';

const config = loadConfig({});
const context = { config, paths: stackPaths(config) };

// The preflight port check and the health checks use the ports declared in the process list; they
// must be the ports the properties files make the JVMs bind.
test('declared ports match the broker and worker properties', () => {
  const server = readFileSync(path.join(debeziumDir, 'server.properties'), 'utf8');
  const worker = readFileSync(path.join(debeziumDir, 'connect-distributed.properties'), 'utf8');
  const listeners = /^listeners=(.*)$/m.exec(server)?.[1] ?? '';
  assert.deepEqual(
    [...listeners.matchAll(/:(\d+)/g)].map((match) => Number(match[1])),
    [...(findStackProcess('kafka')?.ports(context) ?? [])],
  );
  assert.match(worker, new RegExp(`^listeners=http://127\\.0\\.0\\.1:${findStackProcess('connect')?.ports(context)[0]}$`, 'm'));
  assert.match(server, /^auto\.create\.topics\.enable=false$/m);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../service/config.ts';
import { debeziumDir } from '../../service/project-paths.ts';
import { renderTemplate } from '../../service/render-template.ts';
import { templateValues } from './infrastructure-processes.ts';
import { stackPaths } from './paths.ts';
import { findStackProcess } from './stack-processes.ts';

// The preflight port check and the health checks use the ports declared in the process list; they
// must be the ports the rendered properties files make the JVMs bind, for any configured ports.
for (const env of [{}, { KAFKA_BROKERS: '127.0.0.1:19092', KAFKA_CONTROLLER_PORT: '19093', CONNECT_URL: 'http://127.0.0.1:18083' }]) {
  test(`declared ports match the rendered broker and worker properties (${JSON.stringify(env)})`, () => {
    const config = loadConfig(env);
    const context = { config, paths: stackPaths(config) };
    const values = templateValues(context);
    const server = renderTemplate(readFileSync(path.join(debeziumDir, 'server.properties'), 'utf8'), values);
    const worker = renderTemplate(readFileSync(path.join(debeziumDir, 'connect-distributed.properties'), 'utf8'), values);
    const listeners = /^listeners=(.*)$/m.exec(server)?.[1] ?? '';
    assert.deepEqual(
      [...listeners.matchAll(/:(\d+)/g)].map((match) => Number(match[1])),
      [...(findStackProcess('kafka')?.ports(context) ?? [])],
    );
    assert.match(worker, new RegExp(`^listeners=http://127\\.0\\.0\\.1:${findStackProcess('connect')?.ports(context)[0]}$`, 'm'));
    assert.match(worker, new RegExp(`^bootstrap\\.servers=${config.KAFKA_BROKERS}$`, 'm'));
    assert.match(server, /^auto\.create\.topics\.enable=false$/m);
  });
}

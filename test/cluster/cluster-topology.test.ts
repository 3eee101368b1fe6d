import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/service/config.ts';
import { createDatabase } from '../../src/service/db/database.ts';
import { createKafka } from '../../src/service/kafka/client.ts';
import { withAdmin } from '../../src/service/kafka/topics.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { besideClusterEnv } from '../../src/tooling/stack/beside-cluster-env.ts';
import { clusterTopology } from '../../src/tooling/stack/stack-topology.ts';
import { runCli } from '../support/cli.ts';
import { uniqueEmail } from '../support/database.ts';

// `make up CLUSTER=1` made from nothing beside the test stack: its own database, slot, state and
// ports (TEST_CLUSTER_* in the Makefile), removed afterwards. The faults run in `make chaos CLUSTER=1`.
const base = loadConfig();
const database = `${new URL(base.DATABASE_URL).pathname.slice(1)}_cluster`;
const ports = (key: string, fallback: string) => (process.env[key] ?? fallback).split(',');
const apiPort = process.env.TEST_CLUSTER_API_PORT ?? '22609';
const env = besideClusterEnv(base.DATABASE_URL, database, `.stack/${database}`, {
  kafka: ports('TEST_CLUSTER_KAFKA_PORTS', '22601,22603,22605'),
  controllers: ports('TEST_CLUSTER_CONTROLLER_PORTS', '22602,22604,22606'),
  connect: ports('TEST_CLUSTER_CONNECT_PORTS', '22607,22608'),
  metrics: ports('TEST_CLUSTER_METRICS_PORTS', '22610,22611'),
  api: apiPort,
});
const config = clusterTopology.clientConfig(loadConfig({ ...process.env, ...env }));

test('make up CLUSTER=1 starts three replicated nodes, two workers, two consumers, and carries a registration to SENT', { timeout: 900_000 }, async () => {
  const started = Date.now();
  // Whatever a killed earlier run left (processes, data, the slot) goes first.
  await runCli(['stack', 'clean'], { env, timeoutMs: 180_000 });
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2 });
  try {
    const up = await runCli(['stack', 'up', '--cluster'], { env, timeoutMs: 780_000 });
    assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
    const status = await runCli(['stack', 'status'], { env });
    assert.equal(status.code, 0, status.stdout);
    for (const name of ['kafka-1', 'kafka-2', 'kafka-3', 'connect-1', 'connect-2', 'kafka-consumer-1', 'kafka-consumer-2'])
      assert.match(status.stdout, new RegExp(`^${name}\\s+running`, 'm'));

    const topics = [
      config.CDC_TOPIC,
      config.USER_REGISTRATION_TOPIC,
      config.DLQ_TOPIC,
      'outbox-connect-offsets',
      'outbox-connect-configs',
      'outbox-connect-status',
    ];
    const metadata = await withAdmin(
      () => createKafka(config).admin(),
      config.KAFKA_BROKERS,
      (admin) => admin.fetchTopicMetadata({ topics, timeout: 10_000 }),
    );
    for (const topic of metadata)
      for (const partition of topic.partitions) assert.equal(partition.replicas.length, 3, `${topic.name} p${partition.partitionId} has 3 replicas`);

    const response = await fetch(`http://127.0.0.1:${apiPort}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('cluster'), password: 'correct horse battery staple' }),
    });
    assert.equal(response.status, 201);
    const { id } = (await response.json()) as { id: string };
    await waitFor(async () => (await sql<{ status: string }>`select status from notifications where user_id = ${id}`.execute(db)).rows[0]?.status === 'SENT', {
      what: 'the registration SENT through the cluster',
      timeoutMs: 120_000,
    });
    process.stdout.write(`# cluster topology up and a registration SENT in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    await db.destroy();
    const clean = await runCli(['stack', 'clean'], { env, timeoutMs: 180_000 });
    assert.equal(clean.code, 0, clean.stderr);
  }
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { connectorConfigFile } from '../../service/cdc/connector-config.ts';
import { loadConfig } from '../../service/config.ts';
import { createConsumerProducer } from '../../service/consumer/kafka-clients.ts';
import type { Kafka } from '../../service/kafka/client.ts';
import { clusterOverrides, clusterPorts, nodeValues, workerValues } from './cluster-processes.ts';
import { parseProperties, renderProperties } from './infrastructure-processes.ts';
import { stackPaths } from './paths.ts';
import { clusterTopology } from './stack-topology.ts';

// The settings the README's "From one machine to a cluster" promises, read from what the cluster's
// JVMs are actually started with (the rendered files, the last value of a repeated key winning).
const config = loadConfig({
  KAFKA_BROKERS: '127.0.0.1:22601',
  KAFKA_CONTROLLER_PORT: '22602',
  CLUSTER_KAFKA_PORTS: '22603,22605',
  CLUSTER_CONTROLLER_PORTS: '22604,22606',
  CONNECT_URL: 'http://127.0.0.1:22607',
  CLUSTER_CONNECT_PORT: '22608',
});
const context = { config: clusterTopology.clientConfig(config), paths: stackPaths(config) };
const nodes = await Promise.all(
  [1, 2, 3].map(async (index) => parseProperties(await renderProperties('server.properties', nodeValues(context, index), [clusterOverrides.server]))),
);
const workers = await Promise.all(
  [1, 2].map(async (index) =>
    parseProperties(await renderProperties('connect-distributed.properties', workerValues(context, index), [clusterOverrides.worker])),
  ),
);

test('three KRaft nodes, each broker and controller, one quorum of all three, each on the ports its process declares', () => {
  const [kafkaNodes] = clusterTopology.infrastructure;
  assert.deepEqual(
    nodes.map((node) => node.get('node.id')),
    ['1', '2', '3'],
  );
  const { controllers } = clusterPorts(config);
  for (const [index, node] of nodes.entries()) {
    assert.equal(node.get('process.roles'), 'broker,controller');
    assert.equal(node.get('controller.quorum.voters'), controllers.map((port, i) => `${i + 1}@127.0.0.1:${port}`).join(','));
    const listening = [...(node.get('listeners') ?? '').matchAll(/:(\d+)/g)].map((match) => Number(match[1]));
    assert.deepEqual(listening, [...kafkaNodes![index]!.ports(context)]);
    assert.notEqual(node.get('log.dirs'), nodes[(index + 1) % 3]!.get('log.dirs'), 'each node its own data');
  }
});

test('every topic, internal ones included, has three replicas and needs two in sync to take a write; no unclean election', () => {
  for (const node of nodes) {
    assert.equal(node.get('default.replication.factor'), '3');
    assert.equal(node.get('min.insync.replicas'), '2');
    assert.equal(node.get('offsets.topic.replication.factor'), '3');
    assert.equal(node.get('transaction.state.log.replication.factor'), '3');
    assert.equal(node.get('transaction.state.log.min.isr'), '2');
    assert.equal(node.get('unclean.leader.election.enable'), 'false');
    assert.equal(node.get('auto.create.topics.enable'), 'false');
  }
});

test('two Connect workers in one group on their own REST ports, internal topics replicated, Debezium writing with acks=all and idempotence', () => {
  const [, connectWorkers] = clusterTopology.infrastructure;
  assert.equal(workers[0]!.get('group.id'), workers[1]!.get('group.id'));
  for (const [index, worker] of workers.entries()) {
    assert.equal(worker.get('listeners'), `http://127.0.0.1:${connectWorkers![index]!.ports(context)[0]}`);
    assert.equal(worker.get('rest.advertised.port'), String(connectWorkers![index]!.ports(context)[0]));
    assert.equal(worker.get('bootstrap.servers'), context.config.KAFKA_BROKERS);
    assert.equal(context.config.KAFKA_BROKERS.split(',').length, 3);
    for (const topic of ['config', 'offset', 'status']) assert.equal(worker.get(`${topic}.storage.replication.factor`), '3');
    assert.equal(worker.get('producer.acks'), 'all');
    assert.equal(worker.get('producer.enable.idempotence'), 'true');
    assert.equal(worker.get('scheduled.rebalance.max.delay.ms'), '0');
  }
});

test('the connector: one task (a replication slot has one reader), the topics it creates replicated as the brokers default', () => {
  const connector = JSON.parse(readFileSync(connectorConfigFile, 'utf8')) as Record<string, string>;
  assert.equal(connector['tasks.max'], '1');
  assert.equal(connector['topic.creation.default.replication.factor'], '-1');
});

test('the one producer of the router, the dead-letter writer and dlq replay: idempotent, acks=all', () => {
  let settings: Record<string, unknown> = {};
  const kafka = {
    producer: (given: Record<string, unknown>) => {
      settings = given;
      return {};
    },
  } as unknown as Kafka;
  createConsumerProducer(kafka, loadConfig({}));
  assert.deepEqual(settings.kafkaJS, { idempotent: true, acks: -1, allowAutoTopicCreation: false });
});

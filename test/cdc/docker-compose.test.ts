import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { connectorConfigFile, databaseSettings } from '../../src/service/cdc/connector-config.ts';
import { configSchema } from '../../src/service/config.ts';
import { repoRoot } from '../../src/service/project-paths.ts';
import { clusterOverrides } from '../../src/tooling/stack/cluster-processes.ts';
import { parseProperties } from '../../src/tooling/stack/infrastructure-processes.ts';
import { alertRulesFile, prometheusConfigFile, scrapeJobs } from '../../src/tooling/stack/prometheus-config.ts';

// Docker cannot run here, so the compose file is checked against the sources of truth it must
// agree with: connector.json, the config defaults, debezium/pom.xml, the Prometheus that make
// observe runs and the observability files.
interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  network_mode?: string;
  profiles?: string[];
}

// merge: compose resolves the `<<` keys the cluster profile's nodes share.
const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const defaults = configSchema.parse({});
const pom = readFileSync(path.join(repoRoot, 'debezium', 'pom.xml'), 'utf8');
const pomVersion = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(pom)?.[1];

test('has postgres with logical WAL, Kafka, Debezium Connect, Kafka UI on 8090, an init service, Prometheus, Grafana and Jaeger', () => {
  const single = Object.entries(services).filter(([, service]) => service.profiles === undefined);
  assert.deepEqual(single.map(([name]) => name).sort(), ['connect', 'grafana', 'init', 'jaeger', 'kafka', 'kafka-ui', 'postgres', 'prometheus']);
  assert.ok([services.postgres?.command].flat().join(' ').includes('wal_level=logical'));
  assert.ok(services['kafka-ui']?.ports?.some((port) => port.includes(':8090:')));
  assert.match(services['kafka-ui']?.image ?? '', /kafbat\/kafka-ui/);
  assert.equal(services.kafka?.environment?.KAFKA_PROCESS_ROLES, 'broker,controller');
  assert.equal(services.kafka?.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE, 'false');
});

test('images run the versions the local stack resolves', () => {
  assert.equal(services.kafka?.image, `apache/kafka:${pomVersion('kafka.version')}`);
  assert.equal(services.connect?.image, `quay.io/debezium/connect:${pomVersion('debezium.version')}`);
});

test('init registers debezium/connector.json itself and fills every placeholder from DATABASE_URL', () => {
  const init = services.init;
  assert.ok(init?.volumes?.some((volume) => volume.startsWith('./debezium/connector.json:')));
  const script = [init?.command].flat().join('\n');
  const placeholders = [...readFileSync(connectorConfigFile, 'utf8').matchAll(/\{\{([A-Z_]+)\}\}/g)].map((match) => match[1]);
  for (const placeholder of new Set(placeholders)) assert.ok(script.includes(`{{${placeholder}}}`), `init fills {{${placeholder}}}`);
  const databaseUrl = String(init?.environment?.DATABASE_URL);
  assert.equal(databaseSettings(databaseUrl).DATABASE_HOST, 'postgres');
  assert.equal(databaseSettings(databaseUrl).DATABASE_NAME, new URL(defaults.DATABASE_URL).pathname.slice(1));
  assert.match(script, /connectors\/\$\$name\/config/);
});

test('init creates the application topics with the configured partition count', () => {
  const environment = services.init?.environment ?? {};
  assert.equal(environment.CDC_TOPIC, defaults.CDC_TOPIC);
  assert.equal(environment.USER_REGISTRATION_TOPIC, defaults.USER_REGISTRATION_TOPIC);
  assert.equal(environment.DLQ_TOPIC, defaults.DLQ_TOPIC);
  assert.equal(Number(environment.TOPIC_PARTITIONS), defaults.TOPIC_PARTITIONS);
  const script = [services.init?.command].flat().join('\n');
  assert.match(script, /--partitions "\$\$TOPIC_PARTITIONS"/);
  assert.match(script, /for topic in \$\$CDC_TOPIC \$\$USER_REGISTRATION_TOPIC \$\$DLQ_TOPIC/);
});

test('Connect in compose uses the worker settings of the local stack', () => {
  const worker = readFileSync(path.join(repoRoot, 'debezium', 'connect-distributed.properties'), 'utf8');
  const property = (key: string) => new RegExp(`^${key.replaceAll('.', '\\.')}=(.*)$`, 'm').exec(worker)?.[1];
  const environment = services.connect?.environment ?? {};
  assert.equal(environment.GROUP_ID, property('group.id'));
  assert.equal(environment.CONFIG_STORAGE_TOPIC, property('config.storage.topic'));
  assert.equal(environment.OFFSET_STORAGE_TOPIC, property('offset.storage.topic'));
  assert.equal(environment.STATUS_STORAGE_TOPIC, property('status.storage.topic'));
  assert.equal(environment.CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE, property('value.converter.schemas.enable'));
  // Without it Connect refuses the connector's producer.override.* settings.
  assert.equal(environment.CONNECT_CONNECTOR_CLIENT_CONFIG_OVERRIDE_POLICY, property('connector.client.config.override.policy'));
});

test('Kafka keeps its data in the mounted volume, under a real KRaft cluster id, and every image is pinned', () => {
  const kafka = services.kafka!;
  const mount = kafka.volumes?.find((volume) => volume.startsWith('kafka-data:'))?.split(':')[1];
  assert.equal(kafka.environment?.KAFKA_LOG_DIRS, mount, 'log.dirs must be the mounted path, or the data lives in the container');
  const clusterId = String(kafka.environment?.CLUSTER_ID);
  assert.match(clusterId, /^[A-Za-z0-9_-]{22}$/, 'a base64url UUID, as kafka-storage random-uuid makes');
  assert.equal(Buffer.from(clusterId, 'base64url').length, 16);
  for (const [name, service] of Object.entries(services)) {
    assert.match(service.image ?? '', /:[^:/]+$/, `${name} names a tag`);
    assert.doesNotMatch(service.image ?? '', /:latest$/, `${name} is pinned, not :latest`);
  }
});

test('init fills the slot name the local stack uses by default', () => {
  assert.equal(services.init?.environment?.SLOT_NAME, defaults.SLOT_NAME);
});

/** host:port -> the mounted file on the host, for the service's volumes. */
function mounts(service: Service | undefined): Map<string, string> {
  return new Map((service?.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => [v.split(':')[1]!, path.join(repoRoot, v.split(':')[0]!)]));
}

test('Prometheus runs the version make observe runs, with the checked-in config and rules mounted where the config expects them', async () => {
  const { stdout } = await promisify(execFile)('promtool', ['--version']);
  const local = /version (\d+\.\d+\.\d+)/.exec(stdout)?.[1];
  assert.equal(services.prometheus?.image, `prom/prometheus:v${local}`);
  const mounted = mounts(services.prometheus);
  assert.equal(mounted.get('/etc/prometheus/prometheus.yml'), prometheusConfigFile);
  const prometheusYml = parse(readFileSync(prometheusConfigFile, 'utf8')) as {
    rule_files: string[];
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };
  for (const rules of prometheusYml.rule_files) assert.equal(mounted.get(rules), alertRulesFile, `${rules} is the alert rules file`);
  // On the host network it scrapes what the processes bind by default.
  assert.equal(services.prometheus?.network_mode, 'host');
  const targets = Object.fromEntries(prometheusYml.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((c) => c.targets)]));
  assert.deepEqual(targets, {
    [scrapeJobs.apiServer]: [`${defaults.HOST}:${defaults.PORT}`],
    [scrapeJobs.kafkaConsumer]: [`${defaults.HOST}:${defaults.METRICS_PORT}`],
  });
});

test('Grafana gets the dashboard and a Prometheus data source at the address Prometheus listens on', () => {
  const mounted = mounts(services.grafana);
  const provisioning = mounted.get('/etc/grafana/provisioning')!;
  const dashboards = parse(readFileSync(path.join(provisioning, 'dashboards', 'dashboards.yml'), 'utf8')) as {
    providers: Array<{ options: { path: string } }>;
  };
  const dashboardDir = mounted.get(dashboards.providers[0]!.options.path);
  assert.equal(dashboardDir, path.join(repoRoot, 'observability', 'grafana', 'dashboards'));
  const dashboard = JSON.parse(readFileSync(path.join(dashboardDir!, 'outbox-pipeline.json'), 'utf8')) as { uid: string; panels: unknown[] };
  assert.equal(dashboard.uid, 'outbox-pipeline');
  assert.ok(dashboard.panels.length >= 10);
  const sources = parse(readFileSync(path.join(provisioning, 'datasources', 'datasources.yml'), 'utf8')) as {
    datasources: Array<{ type: string; url: string }>;
  };
  const listen = /--web\.listen-address=(\S+)/.exec([services.prometheus?.command].flat().join(' '))?.[1];
  assert.equal(sources.datasources.find((source) => source.type === 'prometheus')?.url, `http://${listen}`);
  assert.equal(services.grafana?.network_mode, 'host');
});

test('Jaeger takes OTLP/HTTP on 4318, the endpoint the README gives the processes', () => {
  assert.ok(services.jaeger?.ports?.includes('127.0.0.1:4318:4318'));
  assert.ok(services.jaeger?.ports?.some((port) => port.endsWith(':16686')));
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  assert.match(readme, /OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:4318/);
});

// The cluster profile against debezium/cluster/*.properties, which `make up CLUSTER=1` appends:
// every setting there appears on every node and worker under the image's variable name.
const overrides = (file: string) => parseProperties(readFileSync(path.join(repoRoot, 'debezium', file), 'utf8'));
const kafkaVariable = (key: string) => `KAFKA_${key.toUpperCase().replaceAll('.', '_')}`;
const clusterNodes = ['kafka-1', 'kafka-2', 'kafka-3'].map((name) => services[name]);
const clusterWorkers = ['connect-1', 'connect-2'].map((name) => services[name]);

test('the cluster profile: three KRaft nodes with the settings of debezium/cluster/server.properties', () => {
  const server = overrides(clusterOverrides.server);
  const placeholders = new Set(['node.id', 'controller.quorum.voters']);
  for (const [index, node] of clusterNodes.entries()) {
    assert.deepEqual(node?.profiles, ['cluster']);
    const environment = node?.environment ?? {};
    assert.equal(String(environment.KAFKA_NODE_ID), String(index + 1));
    assert.equal(environment.KAFKA_PROCESS_ROLES, 'broker,controller');
    assert.equal(environment.KAFKA_CONTROLLER_QUORUM_VOTERS, '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093');
    for (const [key, value] of server) if (!placeholders.has(key)) assert.equal(String(environment[kafkaVariable(key)]), value, `${key} on kafka-${index + 1}`);
  }
  assert.equal(new Set(clusterNodes.map((node) => node?.environment?.CLUSTER_ID)).size, 1, 'one cluster id');
});

test('the cluster profile: two Connect workers in one group with the settings of debezium/cluster/connect-distributed.properties', () => {
  const worker = overrides(clusterOverrides.worker);
  const variable = (key: string) =>
    key.endsWith('.storage.replication.factor') ? key.toUpperCase().replaceAll('.', '_') : `CONNECT_${key.toUpperCase().replaceAll('.', '_')}`;
  for (const service of clusterWorkers) {
    assert.deepEqual(service?.profiles, ['cluster']);
    const environment = service?.environment ?? {};
    assert.equal(environment.GROUP_ID, services.connect?.environment?.GROUP_ID);
    assert.equal(String(environment.BOOTSTRAP_SERVERS).split(',').length, 3);
    for (const [key, value] of worker) assert.equal(String(environment[variable(key)]), value, key);
  }
  const init = services['init-cluster'];
  assert.equal(Number(init?.environment?.REPLICATION_FACTOR), 3);
  assert.match([init?.command].flat().join('\n'), /--replication-factor "\$\$REPLICATION_FACTOR"/);
});

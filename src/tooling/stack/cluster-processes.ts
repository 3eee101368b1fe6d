import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../service/config.ts';
import { apiServerProcess, cliLaunch, consumerReady, kafkaConsumerProcess } from './app-processes.ts';
import { connectWorker, kafkaNode, kafkaPorts, localPort, templateValues } from './infrastructure-processes.ts';
import type { StackPaths } from './paths.ts';
import type { StackContext, StackProcess } from './stack-process.ts';

/**
 * The ports of `make up CLUSTER=1`. Node 1, worker 1 and consumer 1 take the single node's ports
 * (KAFKA_BROKERS, KAFKA_CONTROLLER_PORT, CONNECT_URL, METRICS_PORT), so every command pointed at
 * the default stack reaches the cluster too; the CLUSTER_* settings give the others theirs.
 */
export function clusterPorts(config: Config): { brokers: number[]; controllers: number[]; connect: number[]; metrics: number[] } {
  const { broker, controller } = kafkaPorts({ config });
  const pair = (text: string) => text.split(',').map(Number);
  return {
    brokers: [broker, ...pair(config.CLUSTER_KAFKA_PORTS)],
    controllers: [controller, ...pair(config.CLUSTER_CONTROLLER_PORTS)],
    connect: [localPort(config.CONNECT_URL, 8083), config.CLUSTER_CONNECT_PORT],
    metrics: [config.METRICS_PORT, config.CLUSTER_METRICS_PORT],
  };
}

/** Every client of the cluster bootstraps from all three brokers: any one of them may be the one that is down. */
export function clusterClientConfig(config: Config): Config {
  const brokers = clusterPorts(config)
    .brokers.map((port) => `127.0.0.1:${port}`)
    .join(',');
  return Object.freeze({ ...config, KAFKA_BROKERS: brokers });
}

/** The Connect workers' REST URLs, worker 1's first (CONNECT_URL). */
export function clusterConnectUrls(config: Config): string[] {
  return [config.CONNECT_URL, `http://127.0.0.1:${config.CLUSTER_CONNECT_PORT}`];
}

/**
 * All three nodes are formatted with one cluster id, kept beside their data; `make clean` removes
 * both. A KRaft cluster id is 16 random bytes in base64url, as StorageTool random-uuid prints.
 * The nodes are formatted in parallel: one promise per data folder, or each would find no file yet,
 * draw an id of its own, and the quorum would refuse itself (INCONSISTENT_CLUSTER_ID).
 */
const clusterIds = new Map<string, Promise<string>>();

function sharedClusterId(paths: StackPaths): Promise<string> {
  let id = clusterIds.get(paths.data);
  if (id === undefined) {
    id = readOrCreateClusterId(paths);
    clusterIds.set(paths.data, id);
  }
  return id;
}

async function readOrCreateClusterId(paths: StackPaths): Promise<string> {
  const file = path.join(paths.data, 'cluster-id');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing !== '') return existing;
  let id = randomBytes(16).toString('base64url');
  // Kafka never makes an id starting with "-": a command line would read it as an option.
  while (id.startsWith('-')) id = randomBytes(16).toString('base64url');
  await mkdir(paths.data, { recursive: true });
  await writeFile(file, `${id}\n`);
  return id;
}

const nodeIndexes = [1, 2, 3] as const;

export function nodeValues(context: StackContext, index: number): Record<string, string> {
  const { brokers, controllers } = clusterPorts(context.config);
  return {
    ...templateValues(context),
    DATA_DIR: path.join(context.paths.data, `kafka-${index}`),
    KAFKA_PORT: String(brokers[index - 1]),
    CONTROLLER_PORT: String(controllers[index - 1]),
    NODE_ID: String(index),
    QUORUM_VOTERS: nodeIndexes.map((id) => `${id}@127.0.0.1:${controllers[id - 1]}`).join(','),
  };
}

// 512 MiB heaps: the topics hold little, and one machine runs all five JVMs (README, measured RSS).
/** Appended to debezium/server.properties and connect-distributed.properties for the cluster's nodes and workers. */
export const clusterOverrides = { server: 'cluster/server.properties', worker: 'cluster/connect-distributed.properties' } as const;

export function workerValues(context: StackContext, index: number): Record<string, string> {
  return { ...templateValues(context), CONNECT_PORT: String(clusterPorts(context.config).connect[index - 1]) };
}

const kafkaNodes: StackProcess[] = nodeIndexes.map((index) =>
  kafkaNode({
    name: `kafka-${index}`,
    heap: '512m',
    ports: ({ config }) => {
      const { brokers, controllers } = clusterPorts(config);
      return { broker: brokers[index - 1]!, controller: controllers[index - 1]! };
    },
    properties: (paths) => path.join(paths.conf, `kafka-${index}.properties`),
    values: (context) => nodeValues(context, index),
    appended: [clusterOverrides.server],
    clusterId: sharedClusterId,
    // A node restarted after kill -9 recovers its logs and catches up before it is unfenced: 190 s
    // was measured on the loaded 2-core machine with the other two nodes busy.
    startTimeoutMs: 300_000,
  }),
);

const connectWorkers: StackProcess[] = [1, 2].map((index) =>
  connectWorker({
    name: `connect-${index}`,
    heap: '512m',
    url: ({ config }) => clusterConnectUrls(config)[index - 1]!,
    properties: (paths) => path.join(paths.conf, `connect-${index}.properties`),
    values: (context) => workerValues(context, index),
    appended: [clusterOverrides.worker],
  }),
);

/** The context's config is the cluster's (clusterClientConfig): the processes it starts get its broker list. */
const clusterEnv = ({ config }: StackContext) => ({ KAFKA_BROKERS: config.KAFKA_BROKERS });

const clusterApiServer: StackProcess = { ...apiServerProcess, launch: cliLaunch('api-server', clusterEnv) };

/** Two instances in the same consumer groups: Kafka splits each topic's partitions between them. */
const kafkaConsumers: StackProcess[] = [1, 2].map((index) => {
  const metricsPort = (config: Config) => clusterPorts(config).metrics[index - 1]!;
  return {
    ...kafkaConsumerProcess,
    name: `kafka-consumer-${index}`,
    describe: (context) => kafkaConsumerProcess.describe({ ...context, config: { ...context.config, METRICS_PORT: metricsPort(context.config) } }),
    ports: ({ config }) => (metricsPort(config) > 0 ? [metricsPort(config)] : []),
    launch: cliLaunch('kafka-consumer', (context) => ({ ...clusterEnv(context), METRICS_PORT: String(metricsPort(context.config)) })),
    healthy: (context) => consumerReady(context, metricsPort(context.config), index),
  };
});

export const clusterInfrastructure: ReadonlyArray<readonly StackProcess[]> = [kafkaNodes, connectWorkers];
export const clusterConsumers: readonly StackProcess[] = kafkaConsumers;
export const clusterApplication: readonly StackProcess[] = [clusterApiServer, ...kafkaConsumers];

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brokerList } from '../../service/kafka/client.ts';
import { debeziumDir } from '../../service/project-paths.ts';
import { renderTemplate } from '../../service/render-template.ts';
import { answersHttp, canConnect } from './health-checks.ts';
import { javaBinary } from './java.ts';
import { formatKafkaStorageOnce } from './kafka-storage.ts';
import type { StackPaths } from './paths.ts';
import type { StackContext, StackProcess } from './stack-process.ts';

const log4jConfig = path.join(debeziumDir, 'log4j2.properties');
export const classpath = (paths: StackPaths) => `${paths.jars}/*`;
const serverProperties = (paths: StackPaths) => path.join(paths.conf, 'server.properties');
const workerProperties = (paths: StackPaths) => path.join(paths.conf, 'connect-distributed.properties');

export function jvmArgs(heap: string, paths: StackPaths): string[] {
  return [`-Xms256m`, `-Xmx${heap}`, '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4jConfig}`, '-cp', classpath(paths)];
}

/**
 * debezium/<template> filled with `values`, each of `appended` (a template too, such as the cluster
 * topology's overrides) after it: java.util.Properties keeps the last value of a repeated key.
 */
export async function renderProperties(template: string, values: Record<string, string>, appended: readonly string[] = []): Promise<string> {
  const parts = [template, ...appended].map(async (file) => renderTemplate(await readFile(path.join(debeziumDir, file), 'utf8'), values));
  return (await Promise.all(parts)).join('\n');
}

async function renderInto(template: string, target: string, values: Record<string, string>, appended: readonly string[] = []): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, await renderProperties(template, values, appended));
}

/** A rendered properties file as Java reads it: `key=value` lines, comments skipped, the last of a repeated key wins. */
export function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([^#!\s=][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) entries.set(match[1]!, match[2]!);
  }
  return entries;
}

/** The port a local process listens on, taken from the address clients are configured with. */
export function localPort(address: string, fallback: number): number {
  const port = Number(new URL(address.includes('://') ? address : `tcp://${address}`).port);
  return Number.isInteger(port) && port > 0 ? port : fallback;
}

export function kafkaPorts({ config }: Pick<StackContext, 'config'>): { broker: number; controller: number } {
  return { broker: localPort(brokerList(config)[0] ?? '', 9092), controller: config.KAFKA_CONTROLLER_PORT };
}

export function connectPort({ config }: StackContext): number {
  return localPort(config.CONNECT_URL, 8083);
}

/** The values the broker's and the worker's properties templates are filled with. */
export function templateValues(context: StackContext): Record<string, string> {
  const { broker, controller } = kafkaPorts(context);
  return {
    DATA_DIR: path.join(context.paths.data, 'kafka'),
    KAFKA_PORT: String(broker),
    CONTROLLER_PORT: String(controller),
    KAFKA_BROKERS: context.config.KAFKA_BROKERS,
    CONNECT_PORT: String(connectPort(context)),
  };
}

export interface KafkaNodeSpec {
  name: string;
  heap: string;
  ports: (context: StackContext) => { broker: number; controller: number };
  /** The rendered properties file; its path is also the marker that tells this node's pid from a recycled one. */
  properties: (paths: StackPaths) => string;
  values: (context: StackContext) => Record<string, string>;
  /** Templates appended to debezium/server.properties (the cluster topology's overrides). */
  appended?: readonly string[];
  clusterId?: (paths: StackPaths) => Promise<string>;
  startTimeoutMs?: number;
}

/** A KRaft node, broker and controller in one JVM: the single broker of `make up`, or one node of `make up CLUSTER=1`. */
export function kafkaNode(spec: KafkaNodeSpec): StackProcess {
  return {
    name: spec.name,
    describe: (context) => {
      const { broker, controller } = spec.ports(context);
      return `Kafka broker + KRaft controller: clients 127.0.0.1:${broker}, controller 127.0.0.1:${controller}`;
    },
    ports: (context) => {
      const { broker, controller } = spec.ports(context);
      return [broker, controller];
    },
    async prepare(context) {
      const { paths } = context;
      const values = spec.values(context);
      await renderInto('server.properties', spec.properties(paths), values, spec.appended);
      const clusterId = await spec.clusterId?.(paths);
      await formatKafkaStorageOnce({
        java: javaBinary(),
        classpath: classpath(paths),
        dataDir: values.DATA_DIR!,
        serverProperties: spec.properties(paths),
        clusterId,
      });
    },
    launch: ({ paths }) => ({ command: javaBinary(), args: [...jvmArgs(spec.heap, paths), 'kafka.Kafka', spec.properties(paths)], cwd: paths.root }),
    marker: ({ paths }) => spec.properties(paths),
    healthy: (context) => canConnect('127.0.0.1', spec.ports(context).broker),
    // Usually up in 3 s; a machine busy with other JVMs has been seen to need more than a minute.
    startTimeoutMs: spec.startTimeoutMs ?? 180_000,
    stopGraceMs: 30_000,
  };
}

export const kafkaProcess: StackProcess = kafkaNode({ name: 'kafka', heap: '1g', ports: kafkaPorts, properties: serverProperties, values: templateValues });

export interface ConnectWorkerSpec {
  name: string;
  heap: string;
  /** Its REST API; the port is where it listens. */
  url: (context: StackContext) => string;
  properties: (paths: StackPaths) => string;
  values: (context: StackContext) => Record<string, string>;
  appended?: readonly string[];
}

/** A Kafka Connect worker in distributed mode, Debezium on its classpath. */
export function connectWorker(spec: ConnectWorkerSpec): StackProcess {
  return {
    name: spec.name,
    describe: (context) => `Kafka Connect (distributed, with Debezium): REST ${spec.url(context)}`,
    ports: (context) => [localPort(spec.url(context), 8083)],
    async prepare(context) {
      await renderInto('connect-distributed.properties', spec.properties(context.paths), spec.values(context), spec.appended);
    },
    launch: ({ paths }) => ({
      command: javaBinary(),
      args: [...jvmArgs(spec.heap, paths), 'org.apache.kafka.connect.cli.ConnectDistributed', spec.properties(paths)],
      cwd: paths.root,
    }),
    marker: ({ paths }) => spec.properties(paths),
    // The REST root answers before the worker has joined its group; /connectors answers only after.
    healthy: (context) => answersHttp(new URL('/connectors', spec.url(context)).toString()),
    startTimeoutMs: 180_000,
    stopGraceMs: 30_000,
  };
}

export const connectProcess: StackProcess = connectWorker({
  name: 'connect',
  heap: '1g',
  url: ({ config }) => config.CONNECT_URL,
  properties: workerProperties,
  values: templateValues,
});

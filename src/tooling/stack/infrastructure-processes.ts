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
const classpath = (paths: StackPaths) => `${paths.jars}/*`;
const serverProperties = (paths: StackPaths) => path.join(paths.conf, 'server.properties');
const workerProperties = (paths: StackPaths) => path.join(paths.conf, 'connect-distributed.properties');

function jvmArgs(heap: string, paths: StackPaths): string[] {
  return [`-Xms256m`, `-Xmx${heap}`, '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4jConfig}`, '-cp', classpath(paths)];
}

async function renderInto(template: string, target: string, values: Record<string, string>): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, renderTemplate(await readFile(path.join(debeziumDir, template), 'utf8'), values));
}

/** The port a local process listens on, taken from the address clients are configured with. */
export function localPort(address: string, fallback: number): number {
  const port = Number(new URL(address.includes('://') ? address : `tcp://${address}`).port);
  return Number.isInteger(port) && port > 0 ? port : fallback;
}

export function kafkaPorts({ config }: StackContext): { broker: number; controller: number } {
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

export const kafkaProcess: StackProcess = {
  name: 'kafka',
  describe: (context) => {
    const { broker, controller } = kafkaPorts(context);
    return `Kafka broker + KRaft controller: clients 127.0.0.1:${broker}, controller 127.0.0.1:${controller}`;
  },
  ports: (context) => {
    const { broker, controller } = kafkaPorts(context);
    return [broker, controller];
  },
  async prepare(context) {
    const { paths } = context;
    const values = templateValues(context);
    await renderInto('server.properties', serverProperties(paths), values);
    await formatKafkaStorageOnce({ java: javaBinary(), classpath: classpath(paths), dataDir: values.DATA_DIR!, serverProperties: serverProperties(paths) });
  },
  launch: ({ paths }) => ({ command: javaBinary(), args: [...jvmArgs('1g', paths), 'kafka.Kafka', serverProperties(paths)], cwd: paths.root }),
  marker: ({ paths }) => serverProperties(paths),
  healthy: (context) => canConnect('127.0.0.1', kafkaPorts(context).broker),
  // Usually up in 3 s; a machine busy with other JVMs has been seen to need more than a minute.
  startTimeoutMs: 180_000,
  stopGraceMs: 30_000,
};

export const connectProcess: StackProcess = {
  name: 'connect',
  describe: ({ config }) => `Kafka Connect (distributed, with Debezium): REST ${config.CONNECT_URL}`,
  ports: (context) => [connectPort(context)],
  async prepare(context) {
    await renderInto('connect-distributed.properties', workerProperties(context.paths), templateValues(context));
  },
  launch: ({ paths }) => ({
    command: javaBinary(),
    args: [...jvmArgs('1g', paths), 'org.apache.kafka.connect.cli.ConnectDistributed', workerProperties(paths)],
    cwd: paths.root,
  }),
  marker: ({ paths }) => workerProperties(paths),
  // The REST root answers before the worker has joined its group; /connectors answers only after.
  healthy: ({ config }) => answersHttp(new URL('/connectors', config.CONNECT_URL).toString()),
  startTimeoutMs: 180_000,
  stopGraceMs: 30_000,
};

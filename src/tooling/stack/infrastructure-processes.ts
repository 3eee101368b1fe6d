import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { debeziumDir } from '../../service/project-paths.ts';
import { renderTemplate } from '../../service/render-template.ts';
import { answersHttp, canConnect } from './health-checks.ts';
import { javaBinary } from './java.ts';
import { formatKafkaStorageOnce } from './kafka-storage.ts';
import type { StackPaths } from './paths.ts';
import type { StackProcess } from './stack-process.ts';

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

export const kafkaProcess: StackProcess = {
  name: 'kafka',
  describe: () => 'Kafka broker + KRaft controller: clients 127.0.0.1:9092, controller 127.0.0.1:9093',
  ports: () => [9092, 9093],
  async prepare({ paths }) {
    const dataDir = path.join(paths.data, 'kafka');
    await renderInto('server.properties', serverProperties(paths), { DATA_DIR: dataDir });
    await formatKafkaStorageOnce({ java: javaBinary(), classpath: classpath(paths), dataDir, serverProperties: serverProperties(paths) });
  },
  launch: ({ paths }) => ({ command: javaBinary(), args: [...jvmArgs('1g', paths), 'kafka.Kafka', serverProperties(paths)], cwd: paths.root }),
  marker: ({ paths }) => serverProperties(paths),
  healthy: () => canConnect('127.0.0.1', 9092),
  startTimeoutMs: 60_000,
  stopGraceMs: 30_000,
};

export const connectProcess: StackProcess = {
  name: 'connect',
  describe: ({ config }) => `Kafka Connect (distributed, with Debezium): REST ${config.CONNECT_URL}`,
  ports: () => [8083],
  async prepare({ paths }) {
    await renderInto('connect-distributed.properties', workerProperties(paths), {});
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

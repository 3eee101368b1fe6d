import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { apiServerProcess, kafkaConsumerProcess } from './app-processes.ts';
import { answersHttp, canConnect } from './health-checks.ts';
import { javaBinary } from './java.ts';
import { formatKafkaStorageOnce } from './kafka-storage.ts';
import { debeziumDir, type StackPaths } from './paths.ts';
import type { Launch } from './process-control.ts';
import { renderTemplate } from './render-template.ts';

export interface StackContext {
  config: Config;
  paths: StackPaths;
}

/**
 * One long-running process of the local stack. Adding a process means adding one entry to
 * `infrastructureProcesses` or `applicationProcesses`: `up` starts them in list order, `down` stops
 * them in reverse, `status` and `logs` pick them up without further changes.
 */
export interface StackProcess {
  name: string;
  /** What it is and where it listens, for `up` and `status` output. */
  describe: (context: StackContext) => string;
  /** The ports it binds, checked free before it starts. */
  ports: (context: StackContext) => readonly number[];
  /** Writes config files, formats storage: whatever must exist before the first launch. */
  prepare?: (context: StackContext) => Promise<void>;
  launch: (context: StackContext) => Launch;
  /** Text unique to this process's command line; guards against signalling a recycled pid. */
  marker: (context: StackContext) => string;
  healthy: (context: StackContext) => Promise<boolean>;
  startTimeoutMs: number;
  stopGraceMs: number;
}

export function pidFile(process: StackProcess, paths: StackPaths): string {
  return path.join(paths.pids, `${process.name}.pid`);
}

export function logFile(process: StackProcess, paths: StackPaths): string {
  return path.join(paths.logs, `${process.name}.log`);
}

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

const kafka: StackProcess = {
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

const connect: StackProcess = {
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

/** Started first, before topics and the connector; the application processes need both. */
export const infrastructureProcesses: readonly StackProcess[] = [kafka, connect];
export const applicationProcesses: readonly StackProcess[] = [apiServerProcess, kafkaConsumerProcess];
export const stackProcesses: readonly StackProcess[] = [...infrastructureProcesses, ...applicationProcesses];

export function findStackProcess(name: string): StackProcess | undefined {
  return stackProcesses.find((candidate) => candidate.name === name);
}

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Config, loadConfig } from '../../service/config.ts';
import { AppError } from '../../service/errors.ts';
import { besideClusterEnv } from '../stack/beside-cluster-env.ts';
import { stackPaths } from '../stack/paths.ts';
import { clusterTopology } from '../stack/stack-topology.ts';

/**
 * Ports of the cluster the topologies scenario starts beside the measured stack. The defaults
 * collide neither with `make up` (9092.., 8083, 5001, 9464..) nor with `make up CLUSTER=1`, nor with
 * `make test` (19092.., 22601..22611 for its own cluster); the Makefile passes BENCH_CLUSTER_* through.
 */
export const benchClusterPortDefaults = {
  BENCH_CLUSTER_KAFKA_PORTS: '22701,22703,22705',
  BENCH_CLUSTER_CONTROLLER_PORTS: '22702,22704,22706',
  BENCH_CLUSTER_CONNECT_PORTS: '22707,22708',
  BENCH_CLUSTER_API_PORT: '22709',
  BENCH_CLUSTER_METRICS_PORTS: '22710,22711',
} as const;

/** Where the bench cluster's state lives (git-ignored like every STACK_DIR): `stack clean` empties it afterwards. */
export const benchClusterStackDir = '.stack/bench-cluster';

function ports(env: Record<string, string | undefined>, key: keyof typeof benchClusterPortDefaults, count: number): string[] {
  const text = env[key]?.trim() || benchClusterPortDefaults[key];
  const list = text.split(',').map((part) => part.trim());
  if (list.length !== count || list.some((port) => !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535))
    throw new AppError('CONFIG_INVALID', `${key} wants ${count} port${count > 1 ? 's' : ''} separated by commas, got ${JSON.stringify(text)}`);
  return list;
}

/**
 * The environment of `cli stack up --cluster` for the bench's cluster: its own database (the
 * measured one's name + _bench_cluster), slot, STACK_DIR and ports; everything else (topics,
 * group ids, consumer settings) as the measured stack has it, so only the topology differs.
 */
export function benchClusterEnv(config: Pick<Config, 'DATABASE_URL'>, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const database = `${new URL(config.DATABASE_URL).pathname.slice(1)}_bench_cluster`;
  return besideClusterEnv(config.DATABASE_URL, database, benchClusterStackDir, {
    kafka: ports(env, 'BENCH_CLUSTER_KAFKA_PORTS', 3),
    controllers: ports(env, 'BENCH_CLUSTER_CONTROLLER_PORTS', 3),
    connect: ports(env, 'BENCH_CLUSTER_CONNECT_PORTS', 2),
    metrics: ports(env, 'BENCH_CLUSTER_METRICS_PORTS', 2),
    api: ports(env, 'BENCH_CLUSTER_API_PORT', 1)[0]!,
  });
}

export interface BenchCluster {
  /** The cluster's client configuration: all three brokers, its database. */
  config: Config;
  env: Record<string, string>;
  /** `stack clean`: its processes stopped, its Kafka data and slot removed. */
  clean: () => Promise<void>;
}

const cliPath = fileURLToPath(new URL('../../cli.ts', import.meta.url));

/**
 * Runs `cli <args>` with the cluster's environment, each output line passed to progress (a
 * cluster takes minutes to start on a loaded machine: the user should see it move) and to the log.
 */
async function runStackCommand(
  args: string[],
  env: Record<string, string>,
  progress: (message: string) => void,
  logPath: string,
  timeoutMs: number,
): Promise<void> {
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.pipe(log, { end: false });
    createInterface({ input: stream }).on('line', (line) => {
      if (line.trim() !== '' && !line.endsWith(' was not running')) progress(`  bench cluster: ${line.replace(/^\[\s*[\d.]+s\] /, '')}`);
    });
  }
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const [code, signal] = await exited;
  clearTimeout(timer);
  log.end();
  if (code !== 0) throw new AppError('PROCESS_FAILED', `cli ${args.join(' ')} for the bench cluster ended with ${signal ?? `code ${code}`}; see ${logPath}`);
}

/**
 * Starts `make up CLUSTER=1` of the bench's own from nothing (whatever a killed earlier run left is
 * cleaned first). On a failure to start, what did start is cleaned before the error propagates.
 */
export async function startBenchCluster(
  config: Pick<Config, 'DATABASE_URL'>,
  { progress, logPath, env = process.env }: { progress: (message: string) => void; logPath: string; env?: Record<string, string | undefined> },
): Promise<BenchCluster> {
  const clusterEnv = benchClusterEnv(config, env);
  const clusterConfig = clusterTopology.clientConfig(loadConfig({ ...env, ...clusterEnv }));
  const clean = () => runStackCommand(['stack', 'clean'], clusterEnv, progress, logPath, 180_000);
  progress(
    `bench cluster: starting 3 Kafka nodes, 2 Connect workers, 2 kafka-consumers in ${benchClusterStackDir} (brokers ${clusterConfig.KAFKA_BROKERS}, database ${new URL(clusterEnv.DATABASE_URL!).pathname.slice(1)}; log: ${logPath})`,
  );
  // What a killed earlier run left (processes, data, the slot) goes first. With no state folder
  // there is nothing to clean, and the slot lookup would wait 30 s on a database not created yet.
  const root = stackPaths(clusterConfig).root;
  if (
    await access(root).then(
      () => true,
      () => false,
    )
  )
    await clean();
  try {
    await runStackCommand(['stack', 'up', '--cluster'], clusterEnv, progress, logPath, 900_000);
  } catch (error) {
    await clean().catch((cleanError: unknown) => progress(`bench cluster: cleaning after the failed start failed too: ${(cleanError as Error).message}`));
    throw error;
  }
  return { config: clusterConfig, env: clusterEnv, clean };
}

import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../service/config.ts';
import { AppError } from '../../service/errors.ts';
import { kafkaConsumerProcess } from './app-processes.ts';
import { clusterApplication, clusterClientConfig, clusterConnectUrls, clusterConsumers, clusterInfrastructure } from './cluster-processes.ts';
import type { StackPaths } from './paths.ts';
import type { StackProcess } from './stack-process.ts';
import { applicationProcesses, infrastructureProcesses, observabilityProcesses } from './stack-processes.ts';

export const topologyNames = ['single', 'cluster'] as const;
export type TopologyName = (typeof topologyNames)[number];

/**
 * What `make up` runs: one broker, one Connect worker and one kafka-consumer (the default), or
 * `make up CLUSTER=1`'s three KRaft nodes, two workers and two consumers. Both share the database,
 * the slot and the api-server; what differs is the list of processes and the brokers clients use.
 */
export interface StackTopology {
  name: TopologyName;
  /** Kafka, then Connect: each group started together, then waited for together (a KRaft quorum answers only once most of its voters run). */
  infrastructure: ReadonlyArray<readonly StackProcess[]>;
  application: readonly StackProcess[];
  /** The kafka-consumer instances among the application processes (the drill counts their sends, supervises them). */
  consumers: readonly StackProcess[];
  /** The configuration every client of this topology uses (its broker list). */
  clientConfig: (config: Config) => Config;
  /** The REST URLs of its Connect workers; any one answers for the group. */
  connectUrls: (config: Config) => string[];
}

export const singleTopology: StackTopology = {
  name: 'single',
  infrastructure: infrastructureProcesses.map((process) => [process]),
  application: applicationProcesses,
  consumers: [kafkaConsumerProcess],
  clientConfig: (config) => config,
  connectUrls: (config) => [config.CONNECT_URL],
};

export const clusterTopology: StackTopology = {
  name: 'cluster',
  infrastructure: clusterInfrastructure,
  application: clusterApplication,
  consumers: clusterConsumers,
  clientConfig: clusterClientConfig,
  connectUrls: clusterConnectUrls,
};

export function topologyProcesses(topology: StackTopology): StackProcess[] {
  return [...topology.infrastructure.flat(), ...topology.application, ...observabilityProcesses];
}

/**
 * Every process either topology may have started, in groups stopped together, last started first:
 * `make down` stops whatever runs whichever `make up` started it. The Kafka nodes stop together,
 * since a node that outlives the quorum's majority cannot finish its controlled shutdown.
 */
export function stopGroups(): StackProcess[][] {
  const unique = (processes: readonly StackProcess[]) => [...new Map(processes.map((process) => [process.name, process])).values()];
  const layers = [0, 1].map((layer) => unique([singleTopology, clusterTopology].flatMap((topology) => topology.infrastructure[layer] ?? [])));
  return [[...observabilityProcesses], unique([...singleTopology.application, ...clusterTopology.application]), ...layers.reverse()];
}

const topologyFile = (paths: StackPaths) => path.join(paths.root, 'topology');

/** The topology `make up` last started in this STACK_DIR; a stack from before topologies existed is single. */
export async function recordedTopology(paths: StackPaths): Promise<StackTopology> {
  const name = (await readFile(topologyFile(paths), 'utf8').catch(() => 'single')).trim();
  return name === 'cluster' ? clusterTopology : singleTopology;
}

/**
 * Records the topology `make up` starts. A STACK_DIR holding the other one's Kafka data is refused:
 * its topics, Connect offsets and replication factors belong to that cluster, and the connector
 * would resume from offsets the new one does not have.
 */
export async function claimTopology(paths: StackPaths, topology: StackTopology): Promise<void> {
  const recorded = await recordedTopology(paths);
  const hasData = await access(paths.data).then(
    () => true,
    () => false,
  );
  if (recorded.name !== topology.name && hasData) {
    const flag = (name: TopologyName) => (name === 'cluster' ? 'make up CLUSTER=1' : 'make up');
    throw new AppError(
      'CONFIG_INVALID',
      `${paths.root} holds the ${recorded.name} topology's data (${flag(recorded.name)}); use it again, or remove it first with make clean (data, offsets and the slot go) and then ${flag(topology.name)}`,
    );
  }
  await mkdir(paths.root, { recursive: true });
  await writeFile(topologyFile(paths), `${topology.name}\n`);
}

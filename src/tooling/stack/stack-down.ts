import { rm } from 'node:fs/promises';
import { loadConnectorConfig } from '../../service/cdc/connector-config.ts';
import { dropReplicationSlot } from '../../service/cdc/replication-slot.ts';
import type { Config } from '../../service/config.ts';
import { displayPath, stackPaths } from './paths.ts';
import { stopStackProcess } from './process-lifecycle.ts';
import { progress } from './progress.ts';
import type { StackContext } from './stack-process.ts';
import { stopGroups } from './stack-topology.ts';

/**
 * Stops processes in reverse start order (Connect before the broker it writes to), whichever
 * topology started them; the processes of one group (the cluster's Kafka nodes) stop together.
 */
export async function stackDown(config: Config, only?: readonly string[]): Promise<void> {
  const context: StackContext = { config, paths: stackPaths(config) };
  for (const group of stopGroups()) {
    await Promise.all(group.filter((process) => only === undefined || only.includes(process.name)).map((process) => stopStackProcess(process, context)));
  }
}

/**
 * down, then remove Kafka's data (topics, Connect's offsets) and the connector's replication slot:
 * with the offsets gone nobody would ever read that slot again, and PostgreSQL would keep its WAL
 * forever. The jars stay; they are a cache, not state.
 */
export async function stackClean(config: Config): Promise<void> {
  await stackDown(config);
  const paths = stackPaths(config);
  for (const folder of [paths.data, paths.conf, paths.pids, paths.logs]) await rm(folder, { recursive: true, force: true });
  progress(`removed ${displayPath(paths.data)}, ${displayPath(paths.conf)}, ${displayPath(paths.logs)}`);
  const { name } = await loadConnectorConfig(config);
  const slotName = config.SLOT_NAME;
  try {
    if (await dropReplicationSlot(config.DATABASE_URL, slotName)) progress(`dropped replication slot ${slotName} of connector ${name}`);
  } catch (error) {
    progress(`could not drop replication slot ${slotName} (${(error as Error).message}); drop it with: select pg_drop_replication_slot('${slotName}')`);
  }
}

import { createConnectClient } from '../../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../service/cdc/connector-config.ts';
import { describeStatus, failureReason } from '../../service/cdc/ensure-connector.ts';
import { slotStatus } from '../../service/cdc/replication-slot.ts';
import type { Config } from '../../service/config.ts';
import { displayPath, stackPaths } from './paths.ts';
import { processPid } from './process-lifecycle.ts';
import { logFile, type StackContext } from './stack-process.ts';
import { recordedTopology, topologyProcesses } from './stack-topology.ts';

/** Lines describing every process of the topology `make up` started, the connector and its slot; false when anything is down. */
export async function stackStatus(userConfig: Config): Promise<{ lines: string[]; healthy: boolean }> {
  const paths = stackPaths(userConfig);
  const topology = await recordedTopology(paths);
  const config = topology.clientConfig(userConfig);
  const context: StackContext = { config, paths };
  const lines: string[] = topology.name === 'single' ? [] : [`topology  ${topology.name} (make up CLUSTER=1)`];
  let healthy = true;
  for (const process of topologyProcesses(topology)) {
    const pid = await processPid(process, context);
    const answering = pid !== undefined && (await process.healthy(context));
    // An optional process (Prometheus) that was not asked for is not a problem.
    healthy &&= answering || (pid === undefined && process.optional === true);
    const state =
      pid === undefined ? (process.optional === true ? 'not started' : 'stopped') : answering ? `running (pid ${pid})` : `starting or unhealthy (pid ${pid})`;
    lines.push(`${process.name.padEnd(14)} ${state.padEnd(22)} ${process.describe(context)}; log ${displayPath(logFile(process, context.paths))}`);
  }
  const connector = await loadConnectorConfig(config);
  const connectLine = await connectorLine(topology.connectUrls(config), connector.name);
  healthy &&= connectLine.healthy;
  lines.push(connectLine.line);
  const slotName = config.SLOT_NAME;
  try {
    const slot = await slotStatus(config.DATABASE_URL, slotName);
    lines.push(
      slot === undefined
        ? `slot      ${slotName} does not exist yet`
        : `slot      ${slotName} ${slot.active ? 'active' : 'INACTIVE'}, retains ${(slot.retainedBytes / 1024).toFixed(0)} KiB of WAL, wal_status ${slot.walStatus ?? 'unknown'}, safe_wal_size ${slot.safeWalBytes === null ? 'unlimited' : `${(slot.safeWalBytes / 1024 ** 2).toFixed(0)} MiB`}`,
    );
  } catch {
    lines.push(`slot      ${slotName}: PostgreSQL not reachable`);
  }
  return { lines, healthy };
}

/** The connector's state as the first Connect worker that answers reports it (in a cluster, any worker answers for the group). */
async function connectorLine(urls: readonly string[], name: string): Promise<{ line: string; healthy: boolean }> {
  for (const url of urls) {
    try {
      const status = await createConnectClient(url, { timeoutMs: 3_000 }).getStatus(name);
      if (status === undefined) return { line: `connector ${name} not registered (make up, or cli connector register)`, healthy: false };
      const reason = failureReason(status);
      return { line: `${describeStatus(status)}${reason === undefined ? '' : `: ${reason}`}`, healthy: reason === undefined };
    } catch {
      // The next worker may answer.
    }
  }
  return { line: `connector ${name}: Kafka Connect not reachable at ${urls.join(' or ')}`, healthy: true };
}

import { createConnectClient } from '../../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../service/cdc/connector-config.ts';
import { describeStatus, failureReason } from '../../service/cdc/ensure-connector.ts';
import { slotStatus } from '../../service/cdc/replication-slot.ts';
import type { Config } from '../../service/config.ts';
import { displayPath, stackPaths } from './paths.ts';
import { processPid } from './process-lifecycle.ts';
import { logFile, type StackContext } from './stack-process.ts';
import { stackProcesses } from './stack-processes.ts';

/** Lines describing every process, the connector and its slot; false when anything is down. */
export async function stackStatus(config: Config): Promise<{ lines: string[]; healthy: boolean }> {
  const context: StackContext = { config, paths: stackPaths(config) };
  const lines: string[] = [];
  let healthy = true;
  for (const process of stackProcesses) {
    const pid = await processPid(process, context);
    const answering = pid !== undefined && (await process.healthy(context));
    // An optional process (Prometheus) that was not asked for is not a problem.
    healthy &&= answering || (pid === undefined && process.optional === true);
    const state =
      pid === undefined ? (process.optional === true ? 'not started' : 'stopped') : answering ? `running (pid ${pid})` : `starting or unhealthy (pid ${pid})`;
    lines.push(`${process.name.padEnd(14)} ${state.padEnd(22)} ${process.describe(context)}; log ${displayPath(logFile(process, context.paths))}`);
  }
  const connector = await loadConnectorConfig(config);
  try {
    const status = await createConnectClient(config.CONNECT_URL, { timeoutMs: 3_000 }).getStatus(connector.name);
    if (status === undefined) {
      healthy = false;
      lines.push(`connector ${connector.name} not registered (make up, or cli connector register)`);
    } else {
      const reason = failureReason(status);
      healthy &&= reason === undefined;
      lines.push(`${describeStatus(status)}${reason === undefined ? '' : `: ${reason}`}`);
    }
  } catch {
    lines.push(`connector ${connector.name}: Kafka Connect not reachable at ${config.CONNECT_URL}`);
  }
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

import { createConnectClient } from '../../../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../../service/cdc/connector-config.ts';
import { AppError } from '../../../service/errors.ts';
import { localPort } from '../../stack/infrastructure-processes.ts';
import { progress } from '../../stack/progress.ts';
import type { DrillRun } from '../fault.ts';
import { killClusterMemberFault } from './kill-cluster-member.ts';

/** The connector's status as the first worker that answers gives it: any worker answers for the group. */
async function connectorStatus({ config, topology }: DrillRun) {
  const { name } = await loadConnectorConfig(config);
  for (const url of topology.connectUrls(config)) {
    const status = await createConnectClient(url, { timeoutMs: 5_000 })
      .getStatus(name)
      .catch(() => undefined);
    if (status !== undefined) return status;
  }
  throw new AppError('CONNECT_UNAVAILABLE', `no Connect worker of ${topology.connectUrls(config).join(', ')} answered for ${name}: make status`);
}

/**
 * The worker running the connector's only task (tasks.max=1: the replication slot has one reader).
 * Capture pauses until the group notices the worker is gone (session.timeout.ms), reassigns the
 * task (scheduled.rebalance.max.delay.ms) and the task reopens the slot on the other worker.
 */
export const connectWorkerFault = killClusterMemberFault({
  name: 'connect-worker',
  action: 'kill -9 the task’s worker',
  measures:
    'from the kill, with the worker still down, until a registration committed after it is SENT: the Connect group noticing (session.timeout.ms), the task reassigned and Debezium reopening the slot from the stored offset',
  async choose(run) {
    const status = await connectorStatus(run);
    const workerId = status.tasks[0]?.worker_id;
    if (workerId === undefined) throw new AppError('CONNECTOR_FAILED', `connector ${status.name} has no task running: make status`);
    const port = localPort(`http://${workerId}`, 0);
    const process = run.topology.infrastructure[1]!.find((candidate) => candidate.ports(run.context)[0] === port);
    if (process === undefined) throw new AppError('CONNECTOR_FAILED', `the task runs on ${workerId}, which is none of this stack's workers`);
    return { process, why: `runs task 0 of ${status.name} (worker ${workerId})` };
  },
  // For the report only: a worker busy rebalancing may not answer, which fails nothing.
  async beforeRestart(run) {
    const status = await connectorStatus(run).catch(() => undefined);
    progress(
      status === undefined
        ? 'no worker answered for the connector just now'
        : `task 0 of ${status.name} now ${status.tasks[0]?.state} on worker ${status.tasks[0]?.worker_id}`,
    );
  },
});

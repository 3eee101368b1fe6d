import { waitFor } from '../../../service/wait-for.ts';
import { stageGroupsStable } from '../../stack/app-processes.ts';
import { killClusterMemberFault } from './kill-cluster-member.ts';

/** One of the two kafka-consumers: its partitions of every group move to the other once its session expires. */
export const consumerInstanceFault = killClusterMemberFault({
  name: 'consumer-instance',
  action: 'kill -9 one kafka-consumer',
  measures:
    'from the kill, with the instance still down, until a registration committed after it is SENT: its group sessions expiring (CONSUMER_SESSION_TIMEOUT_MS) and the other instance taking its partitions from their committed offsets',
  async choose({ topology }) {
    return { process: topology.consumers[0]!, why: `one of ${topology.consumers.length} instances in each group` };
  },
  // Back in: every group has both members again, partitions split between them.
  afterStart: async ({ context, topology }) => {
    await waitFor(() => stageGroupsStable(context.config, topology.consumers.length), { what: 'both kafka-consumers in every group', timeoutMs: 120_000 });
  },
});

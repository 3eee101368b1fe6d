import { createKafka } from '../../../service/kafka/client.ts';
import { withAdmin } from '../../../service/kafka/topics.ts';
import { clusterPorts } from '../../stack/cluster-processes.ts';
import { killClusterMemberFault } from './kill-cluster-member.ts';

/**
 * The node leading most partitions of the CDC topic: killing it makes Debezium's writes, the
 * router's reads and the consumers' group coordinators (wherever they were) all fail over at once.
 */
export const kafkaNodeFault = killClusterMemberFault({
  name: 'kafka-node',
  action: 'kill -9 a Kafka node',
  measures:
    'from the kill, with the node still down, until a registration committed after it is SENT: the controller fencing the node (broker.session.timeout.ms) and electing new leaders from the in-sync replicas, the clients finding them',
  async choose({ config, context, topology }) {
    const partitions = await withAdmin(
      () => createKafka(config).admin(),
      config.KAFKA_BROKERS,
      async (admin) => (await admin.fetchTopicMetadata({ topics: [config.CDC_TOPIC], timeout: 10_000 }))[0]?.partitions ?? [],
    );
    const led = new Map<number, number>();
    for (const partition of partitions) led.set(partition.leader, (led.get(partition.leader) ?? 0) + 1);
    const [nodeId, count] = [...led.entries()].sort((a, b) => b[1] - a[1])[0] ?? [1, 0];
    // Node ids are 1..3 in the order of clusterPorts (node.id in debezium/cluster/server.properties).
    const port = clusterPorts(config).brokers[nodeId - 1];
    const process = topology.infrastructure[0]!.find((candidate) => candidate.ports(context)[0] === port)!;
    return { process, why: `node ${nodeId}, leader of ${count} of ${partitions.length} partitions of ${config.CDC_TOPIC}` };
  },
});

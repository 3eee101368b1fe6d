import type { TopologyName } from '../stack/stack-topology.ts';
import type { Fault } from './fault.ts';
import { connectFault } from './faults/connect-fault.ts';
import { connectWorkerFault } from './faults/connect-worker-fault.ts';
import { consumerInstanceFault } from './faults/consumer-instance-fault.ts';
import { kafkaConsumerFault } from './faults/kafka-consumer-fault.ts';
import { kafkaFault } from './faults/kafka-fault.ts';
import { kafkaNodeFault } from './faults/kafka-node-fault.ts';
import { postgresFault } from './faults/postgres-fault.ts';
import { secondConsumerFault } from './faults/second-consumer-fault.ts';

/** Every fault the drill knows, in the order `make chaos` injects them (`make chaos CLUSTER=1`: the cluster's). */
export const drillFaults: readonly Fault[] = [
  kafkaConsumerFault,
  connectFault,
  kafkaFault,
  postgresFault,
  secondConsumerFault,
  kafkaNodeFault,
  connectWorkerFault,
  consumerInstanceFault,
];

/** The faults of one topology, for a drill that names none. */
export function faultsOf(topology: TopologyName): Fault[] {
  return drillFaults.filter((fault) => (fault.topology ?? 'single') === topology);
}

export const drillFaultNames = drillFaults.map((fault) => fault.name);

export function findFault(name: string): Fault | undefined {
  return drillFaults.find((fault) => fault.name === name);
}

import type { Fault } from './fault.ts';
import { connectFault } from './faults/connect-fault.ts';
import { kafkaConsumerFault } from './faults/kafka-consumer-fault.ts';
import { kafkaFault } from './faults/kafka-fault.ts';
import { postgresFault } from './faults/postgres-fault.ts';
import { secondConsumerFault } from './faults/second-consumer-fault.ts';

/** Every fault the drill knows, in the order `make chaos` injects them. */
export const drillFaults: readonly Fault[] = [kafkaConsumerFault, connectFault, kafkaFault, postgresFault, secondConsumerFault];

export const drillFaultNames = drillFaults.map((fault) => fault.name);

export function findFault(name: string): Fault | undefined {
  return drillFaults.find((fault) => fault.name === name);
}

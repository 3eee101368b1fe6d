import { apiServerProcess, kafkaConsumerProcess } from './app-processes.ts';
import { clusterApplication, clusterInfrastructure } from './cluster-processes.ts';
import { connectProcess, kafkaProcess } from './infrastructure-processes.ts';
import { prometheusProcess } from './prometheus-process.ts';
import type { StackProcess } from './stack-process.ts';

/** Started first, before topics and the connector; the application processes need both. */
export const infrastructureProcesses: readonly StackProcess[] = [kafkaProcess, connectProcess];
export const applicationProcesses: readonly StackProcess[] = [apiServerProcess, kafkaConsumerProcess];
/** Started last, and only when asked for: they watch the others. */
export const observabilityProcesses: readonly StackProcess[] = [prometheusProcess];
export const stackProcesses: readonly StackProcess[] = [...infrastructureProcesses, ...applicationProcesses, ...observabilityProcesses];

/** Every process of either topology (`make up`, `make up CLUSTER=1`) once, by name: for logs, and to find one. */
export const everyStackProcess: readonly StackProcess[] = [
  ...new Map([...stackProcesses, ...clusterInfrastructure.flat(), ...clusterApplication].map((process) => [process.name, process])).values(),
];

export function findStackProcess(name: string): StackProcess | undefined {
  return everyStackProcess.find((candidate) => candidate.name === name);
}

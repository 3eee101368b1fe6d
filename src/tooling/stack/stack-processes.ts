import { apiServerProcess, kafkaConsumerProcess } from './app-processes.ts';
import { connectProcess, kafkaProcess } from './infrastructure-processes.ts';
import { prometheusProcess } from './prometheus-process.ts';
import type { StackProcess } from './stack-process.ts';

/** Started first, before topics and the connector; the application processes need both. */
export const infrastructureProcesses: readonly StackProcess[] = [kafkaProcess, connectProcess];
export const applicationProcesses: readonly StackProcess[] = [apiServerProcess, kafkaConsumerProcess];
/** Started last, and only when asked for: they watch the others. */
export const observabilityProcesses: readonly StackProcess[] = [prometheusProcess];
export const stackProcesses: readonly StackProcess[] = [...infrastructureProcesses, ...applicationProcesses, ...observabilityProcesses];

export function findStackProcess(name: string): StackProcess | undefined {
  return stackProcesses.find((candidate) => candidate.name === name);
}

import { readFile } from 'node:fs/promises';
import type { Config } from '../../service/config.ts';
import { stackPaths } from '../stack/paths.ts';
import { processPid } from '../stack/process-lifecycle.ts';
import type { StackContext } from '../stack/stack-process.ts';
import { type StackTopology, topologyProcesses } from '../stack/stack-topology.ts';

/** Resident memory of a process in MiB, from VmRSS in /proc/<pid>/status; null when it is gone. */
export async function rssMiBOf(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  return kib === undefined ? null : Math.round((Number(kib) / 1024) * 10) / 10;
}

/**
 * The RSS of every running process of a topology (its pid files in the config's STACK_DIR), plus
 * any the bench started for it (its own kafka-consumer): what the topology costs in memory.
 */
export async function topologyRss(
  topology: StackTopology,
  config: Config,
  extra: ReadonlyArray<{ name: string; pid: number }> = [],
): Promise<{ processes: Array<{ name: string; pid: number; rssMiB: number }>; totalMiB: number }> {
  const context: StackContext = { config, paths: stackPaths(config) };
  const candidates = [...extra];
  for (const process of topologyProcesses(topology)) {
    const pid = await processPid(process, context);
    if (pid !== undefined) candidates.push({ name: process.name, pid });
  }
  const processes: Array<{ name: string; pid: number; rssMiB: number }> = [];
  for (const { name, pid } of candidates) {
    const rssMiB = await rssMiBOf(pid);
    if (rssMiB !== null) processes.push({ name, pid, rssMiB });
  }
  return { processes, totalMiB: Math.round(processes.reduce((sum, process) => sum + process.rssMiB, 0) * 10) / 10 };
}

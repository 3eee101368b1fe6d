import { AppError } from '../../service/errors.ts';
import { waitFor } from '../../service/wait-for.ts';
import { displayPath } from './paths.ts';
import { assertPortsFree } from './preflight.ts';
import { runningPid, type StopResult, startDetached, stopProcess, tailFile } from './process-control.ts';
import { progress } from './progress.ts';
import { logFile, pidFile, type StackContext, type StackProcess } from './stack-process.ts';

export function processPid(process: StackProcess, context: StackContext): Promise<number | undefined> {
  return runningPid(pidFile(process, context.paths), process.marker(context));
}

/**
 * Starts the process unless it already runs, then waits until its health check passes.
 * Returns true when this call started it (so `stack with` knows what to stop afterwards).
 */
export async function ensureProcessRunning(process: StackProcess, context: StackContext): Promise<boolean> {
  return (await ensureProcessesRunning([process], context)).length > 0;
}

/**
 * Starts every process that is not running, and only then waits for each: the nodes of a KRaft
 * quorum answer only once most of them run, so waiting for the first before starting the second
 * would wait forever. Returns the names of those this call started.
 */
export async function ensureProcessesRunning(processes: readonly StackProcess[], context: StackContext): Promise<string[]> {
  const toStart: StackProcess[] = [];
  const waiting: StackProcess[] = [];
  for (const process of processes) {
    const pid = await processPid(process, context);
    if (pid === undefined) {
      await assertPortsFree(process, context);
      toStart.push(process);
    } else if (await process.healthy(context)) {
      progress(`${process.name} already running (pid ${pid})`);
      continue;
    } else progress(`${process.name} is running (pid ${pid}) but not answering yet; waiting`);
    waiting.push(process);
  }
  // Formatting a node's storage starts a JVM of its own: the nodes' formats overlap.
  await Promise.all(toStart.map((process) => process.prepare?.(context)));
  for (const process of toStart) await launchProcess(process, context);
  for (const process of waiting) await awaitHealthy(process, context);
  return toStart.map((process) => process.name);
}

/** Starts a process that is not running, without waiting for it to answer (a caller that waits for something else). */
export async function launchProcess(process: StackProcess, context: StackContext): Promise<number> {
  const log = logFile(process, context.paths);
  const pid = await startDetached(process.launch(context), pidFile(process, context.paths), log);
  progress(`started ${process.name} (pid ${pid}, log ${displayPath(log)}); waiting until it answers`);
  return pid;
}

async function awaitHealthy(process: StackProcess, context: StackContext): Promise<void> {
  const log = logFile(process, context.paths);
  const started = Date.now();
  await waitFor(() => process.healthy(context), {
    what: `${process.name} answering`,
    timeoutMs: process.startTimeoutMs,
    onProgress: (elapsed) => progress(`  ${process.name} not answering yet (${Math.round(elapsed / 1000)} s)`),
    abortIf: async () => {
      if ((await processPid(process, context)) !== undefined) return undefined;
      return `${process.name} exited during startup; last lines of ${displayPath(log)}:\n${await tailFile(log, 15)}`;
    },
    hint: `see ${displayPath(log)}`,
  });
  progress(`${process.name} is up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function stopStackProcess(process: StackProcess, context: StackContext): Promise<StopResult | undefined> {
  const result = await stopProcess(pidFile(process, context.paths), process.marker(context), process.stopGraceMs);
  if (result === undefined) progress(`${process.name} was not running`);
  else progress(`stopped ${process.name} (pid ${result.pid}${result.forced ? `, killed after ${process.stopGraceMs / 1000} s` : ''})`);
  return result;
}

export function unknownProcess(name: string, known: readonly StackProcess[]): AppError {
  return new AppError('VALIDATION_FAILED', `no stack process named ${name}: choose one of ${known.map((p) => p.name).join(', ')}`);
}

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
  const log = logFile(process, context.paths);
  let pid = await processPid(process, context);
  const alreadyRunning = pid !== undefined;
  if (alreadyRunning) {
    if (await process.healthy(context)) {
      progress(`${process.name} already running (pid ${pid})`);
      return false;
    }
    progress(`${process.name} is running (pid ${pid}) but not answering yet; waiting`);
  } else {
    await assertPortsFree(process, context);
    await process.prepare?.(context);
    pid = await startDetached(process.launch(context), pidFile(process, context.paths), log);
    progress(`started ${process.name} (pid ${pid}, log ${displayPath(log)}); waiting until it answers`);
  }
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
  return !alreadyRunning;
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

import { AppError } from '../../../service/errors.ts';
import { waitFor } from '../../../service/wait-for.ts';
import { assertPortsFree } from '../../stack/preflight.ts';
import { ensureProcessRunning, processPid } from '../../stack/process-lifecycle.ts';
import { progress } from '../../stack/progress.ts';
import type { StackContext, StackProcess } from '../../stack/stack-process.ts';
import { findStackProcess } from '../../stack/stack-processes.ts';
import type { DrillRun, Fault, Injection } from '../fault.ts';

export async function assertRunning(processName: string, context: StackContext): Promise<void> {
  if ((await processPid(findStackProcess(processName)!, context)) === undefined)
    throw new AppError('PREREQUISITE_MISSING', `${processName} is not running: the drill runs against the stack of make up; start it first`);
}

/** SIGKILL to a running process of the stack; `why` goes to the progress line. */
export async function killStackProcess(victim: StackProcess, context: StackContext, why?: string): Promise<{ at: number; pid: number }> {
  const pid = await processPid(victim, context);
  if (pid === undefined) throw new AppError('PROCESS_FAILED', `${victim.name} is not running`);
  const at = Date.now();
  progress(`kill -9 ${victim.name} (pid ${pid}${why === undefined ? '' : `; ${why}`})`);
  process.kill(pid, 'SIGKILL');
  return { at, pid };
}

/** Starts a killed process again as `make up` would, once it is gone and its ports are free. */
export async function restartKilled(victim: StackProcess, context: StackContext): Promise<void> {
  await waitFor(async () => (await processPid(victim, context)) === undefined, { what: `${victim.name} gone`, timeoutMs: 30_000, intervalMs: 100 });
  // A killed JVM's ports are released a moment after its pid is gone.
  await waitFor(
    async () => {
      await assertPortsFree(victim, context);
      return true;
    },
    { what: `the ports of ${victim.name} released`, timeoutMs: 60_000, intervalMs: 250 },
  );
  await ensureProcessRunning(victim, context);
}

/** SIGKILL to one process of the stack, which the drill then starts again as `make up` would. */
export function killProcessFault(processName: string, { measures, afterStart }: { measures: string; afterStart?: (run: DrillRun) => Promise<void> }): Fault {
  const process_ = () => findStackProcess(processName)!;
  return {
    name: processName,
    action: `kill -9 ${processName}`,
    measures,
    check: ({ context }) => assertRunning(processName, context),
    async inject({ context }): Promise<Injection> {
      const { at, pid } = await killStackProcess(process_(), context);
      return { at, target: `pid ${pid}` };
    },
    async restore(run) {
      await restartKilled(process_(), run.context);
      await afterStart?.(run);
      return undefined;
    },
  };
}

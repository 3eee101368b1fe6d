import { AppError } from '../../../service/errors.ts';
import { waitFor } from '../../../service/wait-for.ts';
import { assertPortsFree } from '../../stack/preflight.ts';
import { ensureProcessRunning, processPid } from '../../stack/process-lifecycle.ts';
import { progress } from '../../stack/progress.ts';
import type { StackContext } from '../../stack/stack-process.ts';
import { findStackProcess } from '../../stack/stack-processes.ts';
import type { DrillRun, Fault, Injection } from '../fault.ts';

export async function assertRunning(processName: string, context: StackContext): Promise<void> {
  if ((await processPid(findStackProcess(processName)!, context)) === undefined)
    throw new AppError('PREREQUISITE_MISSING', `${processName} is not running: the drill runs against the stack of make up; start it first`);
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
      const pid = await processPid(process_(), context);
      if (pid === undefined) throw new AppError('PROCESS_FAILED', `${processName} is not running`);
      const at = Date.now();
      progress(`kill -9 ${processName} (pid ${pid})`);
      process.kill(pid, 'SIGKILL');
      return { at, target: `pid ${pid}` };
    },
    async restore(run) {
      const { context } = run;
      await waitFor(async () => (await processPid(process_(), context)) === undefined, {
        what: `${processName} gone`,
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      // A killed JVM's ports are released a moment after its pid is gone.
      await waitFor(
        async () => {
          await assertPortsFree(process_(), context);
          return true;
        },
        { what: `the ports of ${processName} released`, timeoutMs: 60_000, intervalMs: 250 },
      );
      await ensureProcessRunning(process_(), context);
      await afterStart?.(run);
      return undefined;
    },
  };
}

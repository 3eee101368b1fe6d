import { waitFor } from '../../service/wait-for.ts';
import { ensureProcessRunning, processPid } from '../stack/process-lifecycle.ts';
import { progress } from '../stack/progress.ts';
import { findStackProcess } from '../stack/stack-processes.ts';
import { sentTimes } from './drill-evidence.ts';
import type { DrillRun, Fault } from './fault.ts';

/**
 * Recovered: a registration committed after `from` has taken effect. Meanwhile the drill acts as the
 * supervisor the README asks for: a kafka-consumer that exited is started again, and said so.
 */
export async function awaitRecovery(run: DrillRun, fault: Fault, from: number): Promise<{ recoveredAt: number; restarted: string[] }> {
  const { context, db, writer } = run;
  const consumer = findStackProcess('kafka-consumer')!;
  const restarted: string[] = [];
  await waitFor(
    async () => {
      if ((await processPid(consumer, context)) === undefined) {
        progress('the kafka-consumer exited meanwhile (see its log); starting it again, as a supervisor would');
        restarted.push('kafka-consumer');
        await ensureProcessRunning(consumer, context);
      }
      const after = writer.committed.find((r) => r.at > from);
      if (after === undefined) return undefined;
      return (await sentTimes(db, [after])).size === 1 ? true : undefined;
    },
    { what: `the pipeline recovered after ${fault.action}`, timeoutMs: 300_000, intervalMs: 250 },
  );
  const recoveredAt = Date.now();
  progress(`${fault.name} recovered: a registration committed after the fault was SENT ${((recoveredAt - from) / 1000).toFixed(1)} s after it`);
  return { recoveredAt, restarted };
}

import { waitFor } from '../../service/wait-for.ts';
import { launchProcess, processPid } from '../stack/process-lifecycle.ts';
import { progress } from '../stack/progress.ts';
import { sentTimes } from './drill-evidence.ts';
import type { DrillRun, Fault, Injection } from './fault.ts';

/**
 * Recovered: a registration committed after `from` has taken effect. Meanwhile the drill acts as the
 * supervisor the README asks for: a kafka-consumer that exited is started again, and said so, except
 * the one the fault itself killed (`injection.killed`), which stays down until the fault restores it.
 */
export async function awaitRecovery(run: DrillRun, fault: Fault, injection: Injection, from: number): Promise<{ recoveredAt: number; restarted: string[] }> {
  const { context, db, writer } = run;
  const restarted: string[] = [];
  await waitFor(
    async () => {
      for (const consumer of run.topology.consumers) {
        if (consumer.name === injection.killed || (await processPid(consumer, context)) !== undefined) continue;
        progress(`${consumer.name} exited meanwhile (see its log); starting it again, as a supervisor would`);
        restarted.push(consumer.name);
        // Not waited for: the recovery itself (a registration SENT) says whether the flow is back, and
        // asking Kafka for the groups' state while a node is down is what made it exit (README).
        await launchProcess(consumer, context);
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

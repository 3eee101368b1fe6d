import { AppError } from '../../../service/errors.ts';
import { waitFor } from '../../../service/wait-for.ts';
import { assertPortsFree } from '../../stack/preflight.ts';
import { ensureProcessRunning, processPid } from '../../stack/process-lifecycle.ts';
import { progress } from '../../stack/progress.ts';
import type { StackProcess } from '../../stack/stack-process.ts';
import type { DrillRun, Fault, Injection } from '../fault.ts';

export interface Victim {
  process: StackProcess;
  /** Why this one, for the report: e.g. `leads 2 of 3 partitions of dbz.public.outbox_events`. */
  why: string;
}

/**
 * SIGKILL to one member of the cluster topology (a Kafka node, a Connect worker, a kafka-consumer)
 * chosen when the fault strikes. The others must keep the flow going: the drill times the recovery
 * with the member still dead, and only then starts it again (and waits until it is back in).
 */
export function killClusterMemberFault(options: {
  name: string;
  action: string;
  measures: string;
  choose: (run: DrillRun) => Promise<Victim>;
  /** After the restart: e.g. wait until the member has rejoined its group. */
  afterStart?: (run: DrillRun, victim: StackProcess) => Promise<void>;
  /** Before the restart, with the recovery measured: e.g. say where the work moved. */
  beforeRestart?: (run: DrillRun, victim: StackProcess) => Promise<void>;
}): Fault {
  const byName = (run: DrillRun, name: string) =>
    run.topology.infrastructure
      .flat()
      .concat(run.topology.application)
      .find((p) => p.name === name)!;
  return {
    name: options.name,
    action: options.action,
    measures: options.measures,
    topology: 'cluster',
    recoversUnrestored: true,
    async check({ topology }) {
      if (topology.name !== 'cluster')
        throw new AppError(
          'PREREQUISITE_MISSING',
          `${options.name} strikes the cluster topology: start it with make up CLUSTER=1 (make clean first if a single-node stack has data)`,
        );
    },
    async inject(run): Promise<Injection> {
      const { process: victim, why } = await options.choose(run);
      const pid = await processPid(victim, run.context);
      if (pid === undefined) throw new AppError('PROCESS_FAILED', `${victim.name} is not running`);
      const at = Date.now();
      progress(`kill -9 ${victim.name} (pid ${pid}; ${why})`);
      process.kill(pid, 'SIGKILL');
      return { at, target: `${victim.name}, ${why}`, killed: victim.name };
    },
    async restore(run, injection) {
      const victim = byName(run, injection.killed!);
      await options.beforeRestart?.(run, victim);
      await waitFor(async () => (await processPid(victim, run.context)) === undefined, { what: `${victim.name} gone`, timeoutMs: 30_000, intervalMs: 100 });
      await waitFor(
        async () => {
          await assertPortsFree(victim, run.context);
          return true;
        },
        { what: `the ports of ${victim.name} released`, timeoutMs: 60_000, intervalMs: 250 },
      );
      progress(`starting ${victim.name} again`);
      await ensureProcessRunning(victim, run.context);
      await options.afterStart?.(run, victim);
    },
  };
}

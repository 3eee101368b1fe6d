import { AppError } from '../../../service/errors.ts';
import { progress } from '../../stack/progress.ts';
import type { StackProcess } from '../../stack/stack-process.ts';
import type { DrillRun, Fault, Injection } from '../fault.ts';
import { killStackProcess, restartKilled } from './kill-process.ts';

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
      const { at } = await killStackProcess(victim, run.context, why);
      return { at, target: `${victim.name}, ${why}`, killed: victim.name };
    },
    async restore(run, injection) {
      const victim = byName(run, injection.killed!);
      await options.beforeRestart?.(run, victim);
      progress(`starting ${victim.name} again`);
      await restartKilled(victim, run.context);
      await options.afterStart?.(run, victim);
    },
  };
}

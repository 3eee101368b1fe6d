import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../../../service/wait-for.ts';
import { kafkaConsumerProcess, stageGroupsStable } from '../../stack/app-processes.ts';
import { runningPid, startDetached, stopProcess } from '../../stack/process-control.ts';
import { progress } from '../../stack/progress.ts';
import { logFile, pidFile, type StackContext, type StackProcess } from '../../stack/stack-process.ts';
import type { Fault } from '../fault.ts';

/** How long the second member stays in the groups: long enough to take partitions and process records. */
const stayMs = 15_000;

/** The stack's kafka-consumer again, without metrics port (taken by the first) and without purge (the first purges). */
const secondConsumer: StackProcess = {
  ...kafkaConsumerProcess,
  name: 'kafka-consumer-2',
  ports: () => [],
  launch: (context) => ({ ...kafkaConsumerProcess.launch(context), env: { METRICS_PORT: '0', PURGE_INTERVAL: '0' } }),
};

const pidOf = (context: StackContext) => runningPid(pidFile(secondConsumer, context.paths), secondConsumer.marker(context));
const stop = (context: StackContext) => stopProcess(pidFile(secondConsumer, context.paths), secondConsumer.marker(context), secondConsumer.stopGraceMs);

export const secondConsumerFault: Fault = {
  name: 'second-consumer',
  action: 'a second kafka-consumer joins, then leaves (SIGTERM)',
  measures: `from the second member's leave (after ${stayMs / 1000} s in the groups) until a registration committed after it is SENT; the longest commit -> SENT covers both rebalances`,
  async check({ context }) {
    // One left behind by an interrupted drill would skew this one's rebalances.
    if ((await pidOf(context)) !== undefined) {
      progress('a second kafka-consumer of an earlier drill is still running; stopping it');
      await stop(context);
    }
  },
  async inject(run) {
    const { context } = run;
    const log = logFile(secondConsumer, context.paths);
    await rm(log, { force: true });
    const at = Date.now();
    const pid = await startDetached(secondConsumer.launch(context), pidFile(secondConsumer, context.paths), log);
    run.senderLogs.push({ path: log, offset: 0 });
    progress(`started a second kafka-consumer (pid ${pid}, log ${log}); waiting until every group has two members`);
    return { at, target: `pid ${pid}` };
  },
  async restore({ config, context }, injection) {
    try {
      await waitFor(() => stageGroupsStable(config, 2), {
        what: 'every group stable with two members',
        timeoutMs: 120_000,
        intervalMs: 500,
        abortIf: async () =>
          (await pidOf(context)) === undefined ? `the second kafka-consumer exited; see ${logFile(secondConsumer, context.paths)}` : undefined,
      });
      const joinedMs = Date.now() - injection.at;
      progress(`every group has two members ${(joinedMs / 1000).toFixed(1)} s after the start; the second stays ${stayMs / 1000} s`);
      // The stay is the fault itself (records processed by two members), not a wait for something.
      await sleep(stayMs);
      const leftAt = Date.now();
      const stopped = await stop(context);
      progress(`the second kafka-consumer left (SIGTERM${stopped?.forced === true ? ', then SIGKILL: it did not exit in time' : ''})`);
      return {
        recoveryFrom: leftAt,
        note: `joined in ${(joinedMs / 1000).toFixed(1)} s, left after ${stayMs / 1000} s${stopped?.forced === true ? ' (killed: SIGTERM was not enough)' : ''}`,
      };
    } finally {
      await stop(context);
    }
  },
};

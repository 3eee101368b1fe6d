import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../service/config.ts';
import { resolveStages } from '../../service/contract/stages.ts';
import { AppError } from '../../service/errors.ts';
import type { Admin } from '../../service/kafka/client.ts';
import { partitionLags, totalLag } from '../../service/kafka/partition-lag.ts';
import { waitFor } from '../../service/wait-for.ts';

export interface ConsumerHandle {
  /** True when the bench started its own `cli kafka-consumer` because none was running. */
  spawned: boolean;
  /** The process the bench started, for its CPU time. */
  pid?: number;
  stop: () => Promise<void>;
}

const cliPath = fileURLToPath(new URL('../../cli.ts', import.meta.url));

/**
 * The CDC path ends in the kafka-consumer's two groups. A consumer already running (make up, a
 * developer's terminal) is used as it is; otherwise the bench runs one for its own duration, as
 * a child process like in production, with its log in the results folder.
 */
export async function ensureConsumer(
  admin: Admin,
  config: Config,
  { logPath, progress, timeoutMs = 60_000 }: { logPath: string; progress: (message: string) => void; timeoutMs?: number },
): Promise<ConsumerHandle> {
  const groups = resolveStages(config).map((stage) => stage.groupId);
  if (await groupsHaveMembers(admin, groups)) {
    progress(`kafka-consumer: groups ${groups.join(', ')} already have members; using them`);
    return { spawned: false, stop: async () => {} };
  }
  progress(`kafka-consumer: none running; starting one (log: ${logPath})`);
  let pid: number | undefined;
  const stop = await spawnConsumer(admin, {
    env: { LOG_LEVEL: config.LOG_LEVEL },
    groups,
    logPath,
    timeoutMs,
    onSpawn: (spawned) => {
      pid = spawned;
    },
  });
  return { spawned: true, stop, ...(pid === undefined ? {} : { pid }) };
}

/**
 * Runs `cli kafka-consumer` as a child process with these environment overrides (the log level
 * too: the log sender writes one line per notification, part of what production pays) and resolves once
 * its groups have members; the result stops it (SIGTERM, then SIGKILL after 20 s).
 */
export async function spawnConsumer(
  admin: Admin,
  {
    env,
    args = [],
    groups,
    logPath,
    timeoutMs = 60_000,
    onSpawn,
  }: {
    env: Record<string, string>;
    /** Arguments of `cli kafka-consumer`, e.g. --only notifier. */
    args?: string[];
    groups: string[];
    logPath: string;
    timeoutMs?: number;
    onSpawn?: (pid: number) => void;
  },
): Promise<() => Promise<void>> {
  // The log file itself, as `make up` gives it, not a pipe to this process: the notifier's send is
  // a synchronous log line, and through a pipe that this busy process drains late it waited on the
  // full pipe (61% of a notifier drain's busy samples were in pino's atomic-sleep).
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, [cliPath, 'kafka-consumer', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = once(child, 'exit');
  if (child.pid !== undefined) onSpawn?.(child.pid);
  const deadline = Date.now() + timeoutMs;
  while (!(await groupsHaveMembers(admin, groups))) {
    if (child.exitCode !== null)
      throw new AppError('PROCESS_FAILED', `kafka-consumer exited with code ${child.exitCode} before joining its groups; see ${logPath}`);
    if (Date.now() > deadline) {
      await stopChild(child, exited);
      throw new AppError('TIMEOUT', `kafka-consumer did not join ${groups.join(', ')} within ${timeoutMs} ms; see ${logPath}`);
    }
    await delay(500);
  }
  return () => stopChild(child, exited);
}

/**
 * Waits until both groups have caught up: a consumer just started first works off whatever other
 * processes wrote while none ran, and that backlog would be measured as the bench's latency.
 */
export async function waitForCaughtUp(
  admin: Admin,
  config: Config,
  { progress, timeoutMs = 180_000 }: { progress: (message: string) => void; timeoutMs?: number },
): Promise<void> {
  let lags: number[] = [];
  await waitFor(
    async () => {
      lags = (await Promise.all(resolveStages(config).map((stage) => partitionLags(admin, stage.groupId, stage.inputTopic)))).map(totalLag);
      return lags.every((lag) => lag === 0);
    },
    {
      what: 'the consumer groups caught up',
      timeoutMs,
      onProgress: () => progress(`kafka-consumer: catching up before measuring (lag per stage: ${lags.join(', ')})`),
      hint: () => `they still lag (${lags.join(', ')} records)`,
    },
  );
}

/**
 * For a stack whose own consumers the bench must use as they are (the cluster `stack up --cluster`
 * started, two kafka-consumer processes): waits until every group has that many members and never
 * starts one. ensureConsumer would start a third if it looked in the moment before they joined, and
 * the measured topology would no longer be the one `make up CLUSTER=1` runs.
 */
export async function waitForMembers(
  admin: Admin,
  config: Config,
  { members, progress, timeoutMs = 120_000 }: { members: number; progress: (message: string) => void; timeoutMs?: number },
): Promise<void> {
  const groups = resolveStages(config).map((stage) => stage.groupId);
  await waitFor(() => groupsHaveMembers(admin, groups, members), {
    what: `${members} members in each of ${groups.join(', ')}`,
    timeoutMs,
    intervalMs: 500,
  });
  progress(`kafka-consumer: groups ${groups.join(', ')} have ${members} members each; using them`);
}

async function groupsHaveMembers(admin: Admin, groups: string[], minimum = 1): Promise<boolean> {
  const { groups: described } = await admin.describeGroups(groups, { timeout: 5_000 });
  return groups.every((id) => (described.find((group) => group.groupId === id)?.members.length ?? 0) >= minimum);
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

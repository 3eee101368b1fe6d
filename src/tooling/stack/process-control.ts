import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { waitFor } from '../../service/wait-for.ts';

export interface Launch {
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string | undefined>;
}

/**
 * The pid in the file, if that process is alive AND its command line still contains `marker`:
 * after a reboot a recycled pid may belong to an unrelated process, which must never be signalled.
 */
export async function runningPid(pidFile: string, marker: string): Promise<number | undefined> {
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  const pid = Number(text?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline === undefined || !cmdline.includes(marker)) return undefined;
  const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // A zombie has exited; its parent just has not reaped it yet.
  if (/^\d+ \(.*\) Z/.test(state)) return undefined;
  return pid;
}

/**
 * Starts a process that outlives this one: its own session (detached), stdout and stderr appended
 * to the log file, the pid written where `runningPid` and `stop` find it.
 */
export async function startDetached(launch: Launch, pidFile: string, logFile: string): Promise<number> {
  await mkdir(path.dirname(pidFile), { recursive: true });
  await mkdir(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: { ...process.env, ...launch.env },
      detached: true,
      stdio: ['ignore', log, log],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid as number));
    });
    child.unref();
    await writeFile(pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(log);
  }
}

export interface StopResult {
  pid: number;
  forced: boolean;
}

/** SIGTERM, then SIGKILL once `graceMs` has passed; the pid file goes either way. */
export async function stopProcess(pidFile: string, marker: string, graceMs: number): Promise<StopResult | undefined> {
  const pid = await runningPid(pidFile, marker);
  if (pid === undefined) {
    await rm(pidFile, { force: true });
    return undefined;
  }
  const exited = async () => (await runningPid(pidFile, marker)) === undefined;
  process.kill(pid, 'SIGTERM');
  const forced = await waitFor(exited, { what: `pid ${pid} exiting after SIGTERM`, timeoutMs: graceMs, intervalMs: 200 }).then(
    () => false,
    () => true,
  );
  if (forced) {
    process.kill(pid, 'SIGKILL');
    await waitFor(exited, { what: `pid ${pid} gone after SIGKILL`, timeoutMs: 30_000, intervalMs: 100 });
  }
  await rm(pidFile, { force: true });
  return { pid, forced };
}

/** The last lines of a log, to quote in an error when a process died during startup. */
export async function tailFile(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

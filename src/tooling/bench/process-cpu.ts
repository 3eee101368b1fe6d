import { readFile } from 'node:fs/promises';

/**
 * CPU time a process has used so far (user + system), from /proc: what the consumer spent, which a
 * loaded machine stretches far less than it stretches latency. Clock ticks are 1/100 s on Linux.
 */
export async function cpuMsOf(pid: number | undefined): Promise<number> {
  return pid === undefined ? 0 : ticksMsOf(`/proc/${pid}/stat`);
}

/**
 * CPU time of a process's main thread alone: a Node process's event loop, without its libuv pool
 * (password hashing) or V8's helper threads. What each request costs the one thread that answers all.
 */
export async function eventLoopCpuMsOf(pid: number | undefined): Promise<number> {
  return pid === undefined ? 0 : ticksMsOf(`/proc/${pid}/task/${pid}/stat`);
}

async function ticksMsOf(statPath: string): Promise<number> {
  const stat = await readFile(statPath, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (1-based, as in proc(5)).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

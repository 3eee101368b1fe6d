import { readFile } from 'node:fs/promises';

/**
 * CPU time a process has used so far (user + system), from /proc: what the consumer spent, which a
 * loaded machine stretches far less than it stretches latency. Clock ticks are 1/100 s on Linux.
 */
export async function cpuMsOf(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (1-based, as in proc(5)).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

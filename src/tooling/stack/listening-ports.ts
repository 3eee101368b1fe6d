import { execFile } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface PortOwner {
  port: number;
  pid: number | undefined;
  name: string | undefined;
}

/**
 * Parses `ss -Hltnp` lines. Local addresses come as 127.0.0.1:9092, *:9092, [::]:9092 or
 * 127.0.0.1%lo:53; the port is what follows the last colon. Without root, ss prints no users
 * column, so pid and name may be missing.
 */
export function parseSsListeners(output: string): PortOwner[] {
  const owners: PortOwner[] = [];
  for (const line of output.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 4 || columns[0] !== 'LISTEN') continue;
    const local = columns[3] ?? '';
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    if (!Number.isInteger(port) || port <= 0) continue;
    const user = /\("([^"]*)",pid=(\d+)/.exec(line);
    owners.push({ port, pid: user ? Number(user[2]) : undefined, name: user?.[1] });
  }
  return owners;
}

/** Who listens on a TCP port, or undefined when nobody does. */
export async function findPortOwner(port: number): Promise<PortOwner | undefined> {
  const { stdout } = await execFileAsync('ss', ['-Hltnp']);
  return parseSsListeners(stdout).find((owner) => owner.port === port);
}

export function describePortOwner(owner: PortOwner): string {
  if (owner.pid === undefined) return `port ${owner.port} is taken (run as root to see by whom)`;
  return `port ${owner.port} is taken by pid ${owner.pid} (${owner.name ?? 'unknown'})`;
}

/** A port nothing listens on right now, picked by the kernel: for a process the caller is about to start. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

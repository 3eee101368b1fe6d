import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface PgCluster {
  version: string;
  name: string;
  port: number;
  status: string;
}

/** Parses `pg_lsclusters -h`: "15 main 5432 online postgres /var/lib/... /var/log/...". */
export function parsePgLsclusters(output: string): PgCluster[] {
  return output
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns.length >= 4 && /^\d+$/.test(columns[2] ?? ''))
    .map(([version = '', name = '', port = '', status = '']) => ({ version, name, port: Number(port), status }));
}

/**
 * The Debian-managed cluster serving this port, when pg_ctlcluster is there to manage it. Anything
 * else (a container, a remote host, a hand-started server) is not ours to restart.
 */
export async function localCluster(port: number): Promise<PgCluster | undefined> {
  try {
    const { stdout } = await execFileAsync('pg_lsclusters', ['-h']);
    return parsePgLsclusters(stdout).find((cluster) => cluster.port === port);
  } catch {
    return undefined;
  }
}

/** `mode` is the shutdown's (of a restart): `immediate` skips the checkpoint, so the start runs crash recovery. */
export async function pgCtlCluster(cluster: PgCluster, action: 'start' | 'restart', { mode }: { mode?: 'fast' | 'immediate' } = {}): Promise<void> {
  await execFileAsync('pg_ctlcluster', ['--skip-systemctl-redirect', ...(mode === undefined ? [] : ['--mode', mode]), cluster.version, cluster.name, action]);
}

/** Host and port of the server a database URL points at. */
export function serverAddress(databaseUrl: string): { host: string; port: number } {
  const url = new URL(databaseUrl);
  return { host: url.hostname, port: Number(url.port || 5432) };
}

export function isLocalHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host);
}

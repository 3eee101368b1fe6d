import { AppError, isAppError } from '../errors.ts';
import { waitFor } from '../wait-for.ts';
import type { ConnectClient, ConnectorStatus } from './connect-client.ts';
import type { ConnectorConfig } from './connector-config.ts';

export type EnsureOutcome = 'created' | 'updated' | 'unchanged' | 'restarted';

function sameConfig(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/**
 * Creates or updates the connector so that running it twice changes nothing: an identical config
 * is not PUT again (that would restart the task), and a task that failed earlier is restarted,
 * because Connect never restarts failed tasks on its own.
 */
export async function ensureConnector(client: ConnectClient, config: ConnectorConfig): Promise<EnsureOutcome> {
  const current = await client.getConfig(config.name);
  if (current !== undefined && sameConfig(current, config)) {
    const status = await client.getStatus(config.name);
    if (status !== undefined && isFailed(status)) {
      await client.restart(config.name, { includeTasks: true, onlyFailed: true });
      return 'restarted';
    }
    return 'unchanged';
  }
  return (await client.putConfig(config.name, config)) ? 'created' : 'updated';
}

function isFailed(status: ConnectorStatus): boolean {
  return status.connector.state === 'FAILED' || status.tasks.some((task) => task.state === 'FAILED');
}

export function isRunning(status: ConnectorStatus | undefined): boolean {
  return status !== undefined && status.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((task) => task.state === 'RUNNING');
}

export function describeStatus(status: ConnectorStatus): string {
  const tasks = status.tasks.map((task) => `task ${task.id} ${task.state}`).join(', ') || 'no tasks yet';
  return `connector ${status.name} ${status.connector.state}, ${tasks}`;
}

/** The first lines of a failed connector's or task's stack trace: they carry Debezium's reason. */
export function failureReason(status: ConnectorStatus): string | undefined {
  const trace = status.connector.state === 'FAILED' ? status.connector.trace : status.tasks.find((task) => task.state === 'FAILED')?.trace;
  if (trace === undefined && !isFailed(status)) return undefined;
  const lines = (trace ?? 'no trace').split('\n').filter((line) => !/^\s+at /.test(line));
  return lines.slice(0, 4).join(' | ');
}

/** Waits until the connector and all its tasks run; a FAILED state fails at once with its reason. */
export async function waitForConnectorRunning(
  client: ConnectClient,
  name: string,
  { timeoutMs = 120_000, onProgress }: { timeoutMs?: number; onProgress?: (status: string) => void } = {},
): Promise<ConnectorStatus> {
  let last: ConnectorStatus | undefined;
  const seen = () => (last === undefined ? 'waiting for Connect to report a status' : describeStatus(last));
  return waitFor(
    async () => {
      last = await client.getStatus(name);
      if (isRunning(last)) return last;
      const reason = last === undefined ? undefined : failureReason(last);
      if (reason !== undefined) {
        throw new AppError('CONNECTOR_FAILED', `connector ${name} failed: ${reason} (full trace: cli connector status; log: the connect log under STACK_DIR)`, {
          details: last,
        });
      }
      return undefined;
    },
    {
      what: `connector ${name} RUNNING`,
      timeoutMs,
      failOn: (error) => isAppError(error) && error.code === 'CONNECTOR_FAILED',
      onProgress: () => onProgress?.(seen()),
      hint: () => `${seen()}; see the Connect log`,
    },
  );
}

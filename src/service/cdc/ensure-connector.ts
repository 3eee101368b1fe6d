import { AppError } from '../errors.ts';
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
  const started = Date.now();
  let lastReport = started;
  for (;;) {
    const status = await client.getStatus(name).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'CONNECT_UNAVAILABLE') return undefined;
      throw error;
    });
    if (isRunning(status)) return status as ConnectorStatus;
    const reason = status === undefined ? undefined : failureReason(status);
    if (reason !== undefined) {
      throw new AppError('CONNECTOR_FAILED', `connector ${name} failed: ${reason} (full trace: cli connector status; log: .stack/logs/connect.log)`, {
        details: status,
      });
    }
    if (Date.now() - started > timeoutMs) {
      throw new AppError(
        'TIMEOUT',
        `connector ${name} not RUNNING after ${timeoutMs / 1000} s (${status === undefined ? 'no status' : describeStatus(status)}): see the Connect log`,
      );
    }
    if (onProgress !== undefined && Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      onProgress(status === undefined ? 'waiting for Connect to report a status' : describeStatus(status));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

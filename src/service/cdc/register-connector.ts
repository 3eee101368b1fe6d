import type { Config } from '../config.ts';
import { createConnectClient } from './connect-client.ts';
import { loadConnectorConfig } from './connector-config.ts';
import { describeStatus, type EnsureOutcome, ensureConnector, waitForConnectorRunning } from './ensure-connector.ts';

export interface RegisterResult {
  name: string;
  outcome: EnsureOutcome;
  status: string;
  waitedMs: number;
}

/** connector.json, filled from DATABASE_URL, applied idempotently and waited for until it runs. */
export async function registerConnector(config: Config, { report = (_line: string) => {}, timeoutMs = 120_000 } = {}): Promise<RegisterResult> {
  const client = createConnectClient(config.CONNECT_URL);
  const connectorConfig = await loadConnectorConfig(config);
  const outcome = await ensureConnector(client, connectorConfig);
  report(`connector ${connectorConfig.name}: ${outcome}; waiting until it and its task are RUNNING`);
  const started = Date.now();
  const status = await waitForConnectorRunning(client, connectorConfig.name, { timeoutMs, onProgress: (line) => report(`  ${line}`) });
  return { name: connectorConfig.name, outcome, status: describeStatus(status), waitedMs: Date.now() - started };
}

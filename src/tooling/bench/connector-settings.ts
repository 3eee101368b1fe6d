import type { ConnectClient } from '../../service/cdc/connect-client.ts';
import { waitForConnectorRunning } from '../../service/cdc/ensure-connector.ts';
import { AppError } from '../../service/errors.ts';

/**
 * Runs `step` with the live connector's config plus `overrides`, then puts the live config back,
 * also when the step fails. Unlike a variant connector (connector-variant.ts) this changes the one
 * pipeline under test, which a drain needs: a second connector would capture the same backlog
 * beside it and share the machine. Connect restarts the task on each change; its offsets stay, so
 * nothing is captured twice or skipped.
 */
export async function withConnectorSettings<T>(
  connect: ConnectClient,
  name: string,
  overrides: Readonly<Record<string, string>>,
  step: () => Promise<T>,
  progress: (message: string) => void,
): Promise<T> {
  if (Object.keys(overrides).length === 0) return step();
  const live = await connect.getConfig(name);
  if (live === undefined) throw new AppError('CONNECTOR_FAILED', `connector ${name} is not registered: make up`);
  progress(`  connector ${name} with ${describeSettings(overrides)}`);
  await connect.putConfig(name, { ...live, ...overrides });
  try {
    await waitForConnectorRunning(connect, name, { timeoutMs: 120_000 });
    return await step();
  } finally {
    await connect.putConfig(name, live);
    await waitForConnectorRunning(connect, name, { timeoutMs: 120_000 });
    progress(`  connector ${name} back to its live settings`);
  }
}

/** "k=v, k=v", or "live settings" for none: the label of a run in the report. */
export function describeSettings(overrides: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(overrides).map(([key, value]) => `${key}=${value}`);
  return pairs.length === 0 ? 'live settings' : pairs.join(', ');
}

/**
 * The order of the drains: live and overridden settings alternate round by round (live first in
 * odd rounds), so a machine getting busier or quieter over the run weighs on both alike.
 */
export function drainOrder(overrides: Readonly<Record<string, string>> | undefined, rounds: number): Array<Readonly<Record<string, string>>> {
  if (overrides === undefined || Object.keys(overrides).length === 0) return Array.from({ length: rounds }, () => ({}));
  const order: Array<Readonly<Record<string, string>>> = [];
  for (let round = 1; round <= rounds; round++) order.push(...(round % 2 === 1 ? [{}, overrides] : [overrides, {}]));
  return order;
}

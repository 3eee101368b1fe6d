import { Command } from 'commander';
import { createConnectClient } from '../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../service/cdc/connector-config.ts';
import { createDatabase } from '../service/db/database.ts';
import { gatherStatus } from '../tooling/observe/gather-status.ts';
import { evaluateStatus, formatStatus } from '../tooling/observe/pipeline-status.ts';
import { runAction } from './run-action.ts';

export function statusCommand(): Command {
  return new Command('status')
    .description('connector and task state, replication slot lag, consumer-group lag, dead-letter depth; exits 1 when unhealthy')
    .option('--json', 'print the snapshot and verdict as JSON')
    .action(
      runAction(async (config, options: { json?: boolean }) => {
        const db = createDatabase({ url: config.DATABASE_URL, poolMax: 1, connectionTimeoutMs: 2_000 });
        try {
          const connector = await loadConnectorConfig(config);
          const snapshot = await gatherStatus({
            db,
            config,
            connect: createConnectClient(config.CONNECT_URL, { timeoutMs: 5_000 }),
            connectorName: connector.name,
            slotName: config.SLOT_NAME,
          });
          const verdict = evaluateStatus(snapshot, { maxSlotLagBytes: config.SLOT_LAG_ALERT_BYTES });
          process.stdout.write(options.json === true ? `${JSON.stringify({ ...snapshot, ...verdict }, null, 2)}\n` : `${formatStatus(snapshot, verdict)}\n`);
          return verdict.healthy ? 0 : 1;
        } finally {
          await db.destroy();
        }
      }),
    );
}

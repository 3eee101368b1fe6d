import { Command } from 'commander';
import { createConnectClient } from '../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../service/cdc/connector-config.ts';
import { createDatabase } from '../service/db/database.ts';
import { formatTrace } from '../tooling/observe/format-trace.ts';
import { gatherTrace } from '../tooling/observe/gather-trace.ts';
import { traceVerdict } from '../tooling/observe/trace-verdict.ts';
import { runAction } from './run-action.ts';

export function traceCommand(): Command {
  return new Command('trace')
    .description('where is my event? every hop from the outbox row to the delivered notification, with latencies and a verdict')
    .argument('<id>', 'an event id or a user (aggregate) id')
    .option('--json', 'print the facts and verdicts as JSON')
    .action(
      runAction(async (config, id: string, options: { json?: boolean }) => {
        const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2 });
        try {
          const connector = await loadConnectorConfig(config);
          const traces = await gatherTrace(
            { db, config, connect: createConnectClient(config.CONNECT_URL), connectorName: connector.name, slotName: config.SLOT_NAME },
            id,
          );
          const reports = traces.map((facts) => ({ facts, report: traceVerdict(facts) }));
          process.stdout.write(
            options.json === true
              ? `${JSON.stringify(reports, null, 2)}\n`
              : `${reports.map(({ facts, report }) => formatTrace(facts, report)).join('\n\n')}\n`,
          );
        } finally {
          await db.destroy();
        }
      }),
    );
}

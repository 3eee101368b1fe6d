import { Command } from 'commander';
import { createConnectClient } from '../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../service/cdc/connector-config.ts';
import { describeStatus, failureReason } from '../service/cdc/ensure-connector.ts';
import { registerConnector } from '../service/cdc/register-connector.ts';
import { dropReplicationSlot } from '../service/cdc/replication-slot.ts';
import { runAction } from './run-action.ts';

export function connectorCommand(): Command {
  const command = new Command('connector').description('the Debezium connector defined in debezium/connector.json');
  command
    .command('register')
    .description('create or update the connector (DB settings from DATABASE_URL) and wait until it runs')
    .action(
      runAction(async (config) => {
        const result = await registerConnector(config, { report: (line) => process.stdout.write(`${line}\n`) });
        process.stdout.write(`${result.status} (${result.outcome})\n`);
      }),
    );
  command
    .command('status')
    .description('connector and task states, with the failure trace if any')
    .action(
      runAction(async (config) => {
        const { name } = await loadConnectorConfig(config);
        const status = await createConnectClient(config.CONNECT_URL).getStatus(name);
        if (status === undefined) {
          process.stdout.write(`connector ${name} is not registered: cli connector register\n`);
          return 1;
        }
        process.stdout.write(`${describeStatus(status)}\n`);
        const trace = status.connector.trace ?? status.tasks.find((task) => task.trace !== undefined)?.trace;
        if (trace !== undefined) process.stdout.write(`${trace}\n`);
        return failureReason(status) === undefined ? 0 : 1;
      }),
    );
  command
    .command('delete')
    .description('remove the connector; --drop-slot also drops its replication slot (rows written meanwhile are then never published)')
    .option('--drop-slot', 'drop the replication slot too', false)
    .action(
      runAction(async (config, options: { dropSlot: boolean }) => {
        const connector = await loadConnectorConfig(config);
        const existed = await createConnectClient(config.CONNECT_URL).deleteConnector(connector.name);
        process.stdout.write(existed ? `deleted connector ${connector.name}\n` : `connector ${connector.name} was not registered\n`);
        const slot = config.SLOT_NAME;
        if (options.dropSlot) {
          process.stdout.write(
            (await dropReplicationSlot(config.DATABASE_URL, slot)) ? `dropped replication slot ${slot}\n` : `replication slot ${slot} did not exist\n`,
          );
        }
      }),
    );
  return command;
}

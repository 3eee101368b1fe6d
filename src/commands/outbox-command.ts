import { Command, InvalidArgumentError } from 'commander';
import { createDatabase } from '../service/db/database.ts';
import { durationHint, parseDuration } from '../service/duration.ts';
import { awaitCapture, formatLsn } from '../service/retention/capture-watermark.ts';
import { countOutboxOlderThan, purgeOutbox } from '../service/retention/purge-outbox.ts';
import { tableBytes } from '../service/retention/table-size.ts';
import { describePurge, progressPrinter } from './purge-report.ts';
import { runAction } from './run-action.ts';

export function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`expected ${durationHint}`);
  return ms;
}

export function batchSizeOption(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 100_000) throw new InvalidArgumentError('expected a whole number of rows from 1 to 100000');
  return size;
}

interface PurgeOptions {
  olderThan: number;
  batchSize?: number;
  captureTimeout: number;
}

export function outboxCommand(): Command {
  const command = new Command('outbox').description('the outbox table');
  command
    .command('purge')
    .description('delete outbox rows older than --older-than that Debezium has captured (never one it has not), in small batches')
    .requiredOption('--older-than <duration>', `age of the rows to delete: ${durationHint}`, durationOption)
    .option('--batch-size <rows>', 'rows per transaction (default PURGE_BATCH_SIZE)', batchSizeOption)
    .option('--capture-timeout <duration>', 'how long to wait for the replication slot to confirm what is committed now', durationOption, 60_000)
    .action(
      runAction(async (config, options: PurgeOptions) => {
        const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2, applicationName: 'outbox-purge' });
        try {
          const before = await tableBytes(db, 'outbox_events');
          process.stderr.write(`waiting for replication slot ${config.SLOT_NAME} to confirm the WAL written so far...\n`);
          const { bound, confirmedLsn, latest } = await awaitCapture(db, config.SLOT_NAME, { timeoutMs: options.captureTimeout });
          const report =
            bound === undefined
              ? { rows: 0, bytes: 0, batches: 0, elapsedMs: 0 }
              : await purgeOutbox(db, {
                  olderThanMs: options.olderThan,
                  captured: bound,
                  batchSize: options.batchSize ?? config.PURGE_BATCH_SIZE,
                  onProgress: progressPrinter('outbox_events'),
                });
          process.stdout.write(`${describePurge('outbox_events', report, { before, after: await tableBytes(db, 'outbox_events') })}\n`);
          const kept = await countOutboxOlderThan(db, options.olderThan);
          if (kept > 0) {
            const where =
              confirmedLsn === undefined
                ? `replication slot ${config.SLOT_NAME} does not exist`
                : `slot ${config.SLOT_NAME} has confirmed ${formatLsn(confirmedLsn)}, the WAL is at ${formatLsn(latest.lsn)}`;
            process.stdout.write(
              `outbox_events: kept ${kept} row(s) older than the cutoff that Debezium has not confirmed yet (${where}); is the connector running? cli status\n`,
            );
          }
          return 0;
        } finally {
          await db.destroy();
        }
      }),
    );
  return command;
}

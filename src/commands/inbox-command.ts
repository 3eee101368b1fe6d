import { Command } from 'commander';
import { createDatabase } from '../service/db/database.ts';
import { durationHint, formatDuration } from '../service/duration.ts';
import { purgeInbox } from '../service/retention/purge-inbox.ts';
import { inboxRetentionMs } from '../service/retention/retention-settings.ts';
import { tableBytes } from '../service/retention/table-size.ts';
import { batchSizeOption, durationOption } from './outbox-command.ts';
import { describePurge, progressPrinter } from './purge-report.ts';
import { runAction } from './run-action.ts';

export function inboxCommand(): Command {
  const command = new Command('inbox').description('the inbox (the deduplication window of the handlers)');
  command
    .command('purge')
    .description('delete inbox rows older than --older-than (default: the derived window, see INBOX_RETENTION), in small batches')
    .option('--older-than <duration>', `age of the rows to delete: ${durationHint}`, durationOption)
    .option('--batch-size <rows>', 'rows per transaction (default PURGE_BATCH_SIZE)', batchSizeOption)
    .option('--force', 'allow a window shorter than an event can be redelivered (a redelivery would then act twice)', false)
    .action(
      runAction(async (config, options: { olderThan?: number; batchSize?: number; force: boolean }) => {
        const window = inboxRetentionMs(config);
        const olderThan = options.olderThan ?? window;
        if (olderThan < window && !options.force) {
          process.stderr.write(
            `error: --older-than ${formatDuration(olderThan)} is shorter than the deduplication window ${formatDuration(window)} (INBOX_RETENTION, or TOPIC_RETENTION and OUTBOX_RETENTION plus a day): an event redelivered after its row is gone would be handled twice. Use --older-than ${formatDuration(window)} or more, or --force\n`,
          );
          return 2;
        }
        const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2, applicationName: 'inbox-purge' });
        try {
          const before = await tableBytes(db, 'inbox');
          const report = await purgeInbox(db, {
            olderThanMs: olderThan,
            batchSize: options.batchSize ?? config.PURGE_BATCH_SIZE,
            onProgress: progressPrinter('inbox'),
          });
          process.stdout.write(`${describePurge('inbox', report, { before, after: await tableBytes(db, 'inbox') })}\n`);
          return 0;
        } finally {
          await db.destroy();
        }
      }),
    );
  return command;
}

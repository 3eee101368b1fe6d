import { Command, InvalidArgumentError } from 'commander';
import { openTopicReader } from '../service/kafka/topic-reader.ts';
import { formatRecord } from '../tooling/observe/format-record.ts';
import { runAction } from './run-action.ts';

interface TailOptions {
  fromBeginning?: boolean;
  limit?: number;
  json?: boolean;
}

export function eventsCommand(): Command {
  const command = new Command('events').description('watch the records on a topic');
  command
    .command('tail')
    .description('follow a topic without joining a consumer group (assigns every partition, never commits)')
    .argument('<topic>', 'e.g. dbz.public.outbox_events, notif.user.registration, eventdriven-examples.dlq')
    .option('--from-beginning', 'start at the oldest record instead of new ones')
    .option('--limit <n>', 'stop after n records', parsePositive)
    .option('--json', 'one JSON object per line')
    .action(
      runAction(async (config, topic: string, options: TailOptions) => {
        const reader = await openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: options.fromBeginning === true ? 'beginning' : 'end' });
        let stopped = false;
        const stop = () => (stopped = true);
        process.once('SIGINT', stop).once('SIGTERM', stop);
        if (options.json !== true)
          process.stderr.write(`following ${topic} (partitions ${reader.assignment.map((tp) => tp.partition).join(', ')}); Ctrl-C stops\n`);
        let printed = 0;
        try {
          while (!stopped && (options.limit === undefined || printed < options.limit)) {
            for (const record of await reader.poll()) {
              if (options.limit !== undefined && printed >= options.limit) break;
              process.stdout.write(`${formatRecord(record, { json: options.json === true })}\n`);
              printed++;
            }
          }
        } finally {
          await reader.close();
        }
      }),
    );
  return command;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a whole number above 0');
  return n;
}

import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../service/config.ts';
import { createConsumerProducer } from '../service/consumer/kafka-clients.ts';
import { createDatabase } from '../service/db/database.ts';
import { AppError } from '../service/errors.ts';
import { createKafka } from '../service/kafka/client.ts';
import { deadLetterRef } from '../tooling/dlq/dead-letter-entry.ts';
import { type DeadLetterSelector, isEmptySelector, parseDeadLetterRef, parseSince, refersTo, summarizeByCode } from '../tooling/dlq/dead-letter-selector.ts';
import { formatDeadLetter, formatDeadLetterList } from '../tooling/dlq/format-dead-letters.ts';
import { formatReplayPlan, formatReplaySummary, replayExitCode } from '../tooling/dlq/format-replay.ts';
import { readDeadLetters } from '../tooling/dlq/read-dead-letters.ts';
import { planReplay } from '../tooling/dlq/replay-plan.ts';
import { runReplay } from '../tooling/dlq/run-replay.ts';
import { runAction } from './run-action.ts';

interface SelectorOptions {
  code?: string[];
  stage?: string[];
  key?: string[];
  eventId?: string[];
  since?: string;
}

interface ReplayOptions extends SelectorOptions {
  dryRun?: boolean;
  again?: boolean;
  maxReplays: number;
  rate?: number;
}

export function dlqCommand(): Command {
  const command = new Command('dlq').description('dead letters: list them, show one, replay them to the stage that failed');
  withSelectors(command.command('list').description('the dead letters (read without joining a consumer group), whether each was replayed, a summary by code'))
    .option('--json', 'print the dead letters and the summary as JSON')
    .action(
      runAction(async (config, options: SelectorOptions & { json?: boolean }) => {
        const entries = await withDatabase(config, (db) => readDeadLetters(config, db, toSelector(options)));
        const summary = summarizeByCode(entries);
        process.stdout.write(
          options.json === true ? `${JSON.stringify({ deadLetters: entries, summary }, null, 2)}\n` : `${formatDeadLetterList(entries, summary)}\n`,
        );
      }),
    );
  command
    .command('show')
    .description('one dead letter whole: context, original record, headers, decoded value, replay history')
    .argument('<ref>', "an event id, or the dead letter's partition:offset on the dead-letter topic (as `dlq list` prints it)")
    .option('--json', 'print it as JSON')
    .action(
      runAction(async (config, text: string, options: { json?: boolean }) => {
        const ref = parseDeadLetterRef(text);
        const found = (await withDatabase(config, (db) => readDeadLetters(config, db, {}))).filter((entry) => refersTo(ref, entry));
        if (found.length === 0) throw new AppError('NOT_FOUND', `no dead letter ${text} on ${config.DLQ_TOPIC} (cli dlq list shows them)`);
        process.stdout.write(options.json === true ? `${JSON.stringify(found, null, 2)}\n` : `${found.map(formatDeadLetter).join('\n\n')}\n`);
      }),
    );
  withSelectors(
    command
      .command('replay')
      .description('re-publish the selected dead letters to the input of the stage that failed, in original order per key; at least one selector'),
  )
    .option('--dry-run', 'print what would be replayed and where; change nothing')
    .option('--again', 'replay dead letters already replayed once more (the inbox still applies each event once)')
    .option('--max-replays <n>', 'never replay an event more often than this', parseWhole, 3)
    .option('--rate <per-second>', 'at most this many records per second', parsePositive)
    .action(
      runAction(async (config, options: ReplayOptions) => {
        const selector = toSelector(options);
        if (isEmptySelector(selector))
          throw new AppError('VALIDATION_FAILED', 'say what to replay: --code, --stage, --key, --event-id and/or --since (cli dlq list shows what is there)');
        return withDatabase(config, async (db) => {
          const entries = await readDeadLetters(config, db, selector);
          const plan = planReplay(entries, new Map(entries.map((entry) => [deadLetterRef(entry.at), entry.replays])), {
            again: options.again === true,
            maxReplays: options.maxReplays,
          });
          process.stdout.write(`${formatReplayPlan(plan, { dryRun: options.dryRun === true })}\n`);
          if (options.dryRun === true) return replayExitCode(plan, undefined);
          const producer = createConsumerProducer(createKafka(config), config);
          await producer.connect();
          const stop = new AbortController();
          const onSignal = () => stop.abort();
          process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
          let lastProgress = Date.now();
          try {
            const outcome = await runReplay(plan, {
              producer,
              db,
              rate: options.rate,
              stop: stop.signal,
              onReplayed: (done, total) => {
                if (done === total || Date.now() - lastProgress >= 2_000) {
                  lastProgress = Date.now();
                  process.stderr.write(`replayed ${done}/${total}\n`);
                }
              },
            });
            process.stdout.write(`${formatReplaySummary(plan, outcome)}\n`);
            return replayExitCode(plan, outcome);
          } finally {
            process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
            await producer.disconnect();
          }
        });
      }),
    );
  return command;
}

function withSelectors(command: Command): Command {
  return command
    .option('--code <code>', 'error code (repeat or comma-separate for several), e.g. NOTIFICATION_NOT_FOUND', collect)
    .option('--stage <stage>', 'stage that failed: route or notify (router, notifier accepted)', collect)
    .option('--key <key>', 'record key (the aggregate id)', collect)
    .option('--event-id <id>', 'event id', collect)
    .option('--since <when>', 'dead-lettered within a duration (90s, 15m, 2h, 7d) or since an ISO-8601 time');
}

function toSelector(options: SelectorOptions): DeadLetterSelector {
  return {
    codes: options.code,
    stages: options.stage,
    keys: options.key,
    eventIds: options.eventId,
    sinceMs: options.since === undefined ? undefined : parseSince(options.since, Date.now()),
  };
}

async function withDatabase<T>(config: Config, use: (db: ReturnType<typeof createDatabase>) => Promise<T>): Promise<T> {
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2 });
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  ];
}

function parseWhole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number, 0 or more');
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('records per second, above 0 (e.g. 50 or 0.5)');
  return n;
}

import { Argument, Command, Option } from 'commander';
import { createDatabase } from '../service/db/database.ts';
import { createKafka } from '../service/kafka/client.ts';
import { withAdmin } from '../service/kafka/topics.ts';
import { projectionStatus } from '../service/projection/projection-status.ts';
import { type RebuildProgress, rebuildRegistrations } from '../service/projection/rebuild-registrations.ts';
import { runAction } from './run-action.ts';

const positiveInt = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`${name} expects a positive whole number, got "${value}"`);
  return parsed;
};

export function projectionCommand(): Command {
  const command = new Command('projection').description('the read side: projections fed by the events (the registrations stats)');
  command
    .command('rebuild')
    .description(
      'rebuild a projection from the beginning of its topic into a shadow schema, then swap it in atomically; the live projector keeps running. ' +
        'An interrupted rebuild resumes where it stopped (--restart starts over); the served projection is untouched until the swap.',
    )
    .addArgument(new Argument('<projection>', 'the projection to rebuild').choices(['registrations']))
    .option('--restart', 'discard the shadow of an interrupted rebuild and start from the beginning')
    .addOption(new Option('--batch-size <records>', 'records per transaction').argParser(positiveInt('--batch-size')).default(5_000))
    .addOption(new Option('--max-rate <records/s>', 'read no faster than this, to spare a busy database').argParser(positiveInt('--max-rate')))
    .action(
      runAction(async (config, _projection: string, options: { restart?: boolean; batchSize: number; maxRate?: number }) => {
        const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2, applicationName: 'projection-rebuild' });
        try {
          const result = await withAdmin(
            () => createKafka(config).admin(),
            config.KAFKA_BROKERS,
            (admin) =>
              rebuildRegistrations({
                db,
                admin,
                brokers: config.KAFKA_BROKERS,
                topic: config.USER_REGISTRATION_TOPIC,
                schema: config.PROJECTION_SCHEMA,
                restart: options.restart,
                batchSize: options.batchSize,
                maxRate: options.maxRate,
                onProgress: (progress) => process.stderr.write(`${describeProgress(progress)}\n`),
              }),
          );
          const rate = result.readSeconds > 0 ? Math.round(result.events / result.readSeconds) : result.events;
          process.stdout.write(
            `rebuilt registrations from ${config.USER_REGISTRATION_TOPIC}${result.resumed ? ' (resumed)' : ''}: ${result.events} records read in ${result.readSeconds.toFixed(1)} s (${rate}/s), swapped in after ${result.seconds.toFixed(1)} s; ` +
              `swapped in at positions ${JSON.stringify(result.positions)}; live before the swap: ${result.comparison}\n`,
          );
        } finally {
          await db.destroy();
        }
      }),
    );
  command
    .command('status')
    .description("each projection's stored position against its topic's end, its freshness, and any rebuild under way or interrupted")
    .option('--json', 'machine-readable output')
    .action(
      runAction(async (config, options: { json?: boolean }) => {
        const db = createDatabase({ url: config.DATABASE_URL, poolMax: 1, applicationName: 'projection-status' });
        try {
          const status = await withAdmin(
            () => createKafka(config).admin(),
            config.KAFKA_BROKERS,
            (admin) => projectionStatus(db, admin, { schema: config.PROJECTION_SCHEMA, topic: config.USER_REGISTRATION_TOPIC }),
          );
          if (options.json) {
            process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
            return;
          }
          const { freshness } = status;
          process.stdout.write(
            `projection ${status.name} (schema ${status.schema}) from ${status.topic}: lag ${status.lag} records, ${freshness.recordsApplied} applied; ` +
              `newest event ${freshness.newestEventId ?? '-'} committed ${freshness.newestEventCommittedAt?.toISOString() ?? '-'}\n`,
          );
          for (const p of status.partitions)
            process.stdout.write(`  partition ${p.partition}  position ${p.position}  end ${p.end}  lag ${p.lag}  oldest kept ${p.oldest}\n`);
          if (status.rebuild !== null) {
            process.stdout.write(
              `  rebuild shadow ${status.rebuild.schema}: ${status.rebuild.lag} records behind the end (interrupted or running: \`cli projection rebuild registrations\` resumes it)\n`,
            );
          }
        } finally {
          await db.destroy();
        }
      }),
    );
  return command;
}

function describeProgress({ events, remaining, rate, etaSeconds }: RebuildProgress): string {
  const eta = etaSeconds === undefined ? '?' : `${Math.ceil(etaSeconds)} s`;
  return `rebuild registrations: ${events} records applied, ${remaining} to go, ${Math.round(rate)}/s, ETA ${eta}`;
}

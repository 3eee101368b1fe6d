import { Command } from 'commander';
import type { Config } from '../service/config.ts';
import { createDatabase } from '../service/db/database.ts';
import { ensureDatabaseExists, migrate, migrationStatus } from '../service/db/migrate.ts';
import { runAction } from './run-action.ts';

export function migrateCommand(): Command {
  const command = new Command('migrate').description('apply or roll back the database migrations in migrations/');
  command
    .command('up')
    .description('create the database if missing, then apply every pending migration')
    .action(runAction(async (config) => migrateWith(config, 'up')));
  command
    .command('down')
    .description('roll back the newest applied migration')
    .action(runAction(async (config) => migrateWith(config, 'down')));
  command
    .command('status')
    .description('list migrations and when each was applied')
    .action(
      runAction(async (config) => {
        const db = createDatabase({ url: config.DATABASE_URL, poolMax: 1 });
        try {
          for (const { name, executedAt } of await migrationStatus(db)) {
            process.stdout.write(
              `${executedAt === undefined ? 'pending ' : 'applied '} ${name}${executedAt === undefined ? '' : `  ${executedAt.toISOString()}`}\n`,
            );
          }
        } finally {
          await db.destroy();
        }
      }),
    );
  return command;
}

async function migrateWith(config: Config, direction: 'up' | 'down'): Promise<void> {
  if (direction === 'up' && (await ensureDatabaseExists(config.DATABASE_URL))) {
    process.stdout.write(`created database ${new URL(config.DATABASE_URL).pathname.slice(1)}\n`);
  }
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 1 });
  try {
    const { results = [] } = await migrate(db, direction);
    for (const result of results) process.stdout.write(`${result.status === 'Success' ? direction : result.status}: ${result.migrationName}\n`);
    if (results.length === 0) process.stdout.write(direction === 'up' ? 'schema is up to date\n' : 'nothing to roll back\n');
  } finally {
    await db.destroy();
  }
}

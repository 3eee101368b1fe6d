import { Command } from 'commander';
import { configCommand } from './commands/config-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';

const program = new Command('cli')
  .description('Transactional outbox on PostgreSQL, Debezium and Kafka')
  .showHelpAfterError()
  .addCommand(configCommand())
  .addCommand(migrateCommand());

await program.parseAsync(process.argv);

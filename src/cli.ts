import { Command } from 'commander';
import { apiServerCommand } from './commands/api-server-command.ts';
import { configCommand } from './commands/config-command.ts';
import { eventsCommand } from './commands/events-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';
import { openapiCommand } from './commands/openapi-command.ts';
import { traceCommand } from './commands/trace-command.ts';

const program = new Command('cli')
  .description('Transactional outbox on PostgreSQL, Debezium and Kafka')
  .showHelpAfterError()
  .addCommand(apiServerCommand())
  .addCommand(configCommand())
  .addCommand(eventsCommand())
  .addCommand(migrateCommand())
  .addCommand(openapiCommand())
  .addCommand(traceCommand());

await program.parseAsync(process.argv);

import { Command } from 'commander';
import { apiServerCommand } from './commands/api-server-command.ts';
import { auditCommand } from './commands/audit-command.ts';
import { benchCommand } from './commands/bench-command.ts';
import { configCommand } from './commands/config-command.ts';
import { connectorCommand } from './commands/connector-command.ts';
import { dlqCommand } from './commands/dlq-command.ts';
import { drillCommand } from './commands/drill-command.ts';
import { eventsCommand } from './commands/events-command.ts';
import { inboxCommand } from './commands/inbox-command.ts';
import { kafkaConsumerCommand } from './commands/kafka-consumer-command.ts';
import { migrateCommand } from './commands/migrate-command.ts';
import { openapiCommand } from './commands/openapi-command.ts';
import { outboxCommand } from './commands/outbox-command.ts';
import { projectionCommand } from './commands/projection-command.ts';
import { screenshotCommand } from './commands/screenshot-command.ts';
import { stackCommand } from './commands/stack-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { topicsCommand } from './commands/topics-command.ts';
import { traceCommand } from './commands/trace-command.ts';

const program = new Command('cli')
  .description('Transactional outbox on PostgreSQL, Debezium and Kafka')
  .showHelpAfterError()
  // `stack with -- <command...>` passes the command's own options through untouched.
  .enablePositionalOptions()
  .addCommand(apiServerCommand())
  .addCommand(auditCommand())
  .addCommand(benchCommand())
  .addCommand(configCommand())
  .addCommand(connectorCommand())
  .addCommand(dlqCommand())
  .addCommand(drillCommand())
  .addCommand(eventsCommand())
  .addCommand(inboxCommand())
  .addCommand(kafkaConsumerCommand())
  .addCommand(migrateCommand())
  .addCommand(openapiCommand())
  .addCommand(outboxCommand())
  .addCommand(projectionCommand())
  .addCommand(screenshotCommand())
  .addCommand(stackCommand())
  .addCommand(statusCommand())
  .addCommand(topicsCommand())
  .addCommand(traceCommand());

await program.parseAsync(process.argv);

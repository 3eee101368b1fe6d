import { Command, Option } from 'commander';
import { type GroupName, runKafkaConsumer } from '../service/consumer/run-kafka-consumer.ts';
import { createLogger } from '../service/logger.ts';
import { runAction } from './run-action.ts';
import { untilSignal } from './until-signal.ts';

export function kafkaConsumerCommand(): Command {
  return new Command('kafka-consumer')
    .description('route outbox events from the CDC topic and send the notifications (both consumer groups unless --only)')
    .addOption(new Option('--only <group>', 'run one consumer group only').choices(['router', 'notifier']))
    .action(
      runAction(async (config, options: { only?: GroupName }) => {
        const logger = createLogger(config.LOG_LEVEL, 'kafka-consumer');
        const groups: GroupName[] = options.only === undefined ? ['router', 'notifier'] : [options.only];
        // Whatever happens during shutdown, the process is gone within the timeout; what is not
        // committed by then is redelivered to the next run.
        const onShutdown = (exitCode: number) => {
          setTimeout(() => {
            logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
            process.exit(exitCode === 0 ? 1 : exitCode);
          }, config.SHUTDOWN_TIMEOUT_MS).unref();
        };
        return runKafkaConsumer({ config, logger, groups, stopRequested: untilSignal(), onShutdown });
      }),
    );
}

import { Command, Option } from 'commander';
import { runKafkaConsumer, type GroupName } from '../consumer/run-kafka-consumer.ts';
import { createLogger } from '../logger.ts';
import { runAction } from './run-action.ts';
import { untilSignal } from './until-signal.ts';

export function kafkaConsumerCommand(): Command {
  return new Command('kafka-consumer')
    .description('route outbox events from the CDC topic and send the notifications (both consumer groups unless --only)')
    .addOption(new Option('--only <group>', 'run one consumer group only').choices(['router', 'notifier']))
    .action(
      runAction(async (config, options: { only?: GroupName }) => {
        const logger = createLogger(config.LOG_LEVEL, 'kafka-consumer');
        const stopRequested = untilSignal().then((signal) => {
          // Whatever happens during shutdown, the process is gone within the timeout.
          setTimeout(() => {
            logger.error({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
            process.exit(1);
          }, config.SHUTDOWN_TIMEOUT_MS).unref();
          return signal;
        });
        const groups: GroupName[] = options.only === undefined ? ['router', 'notifier'] : [options.only];
        return runKafkaConsumer({ config, logger, groups, stopRequested });
      }),
    );
}

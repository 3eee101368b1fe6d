import { Command, Option } from 'commander';
import { runKafkaConsumer } from '../service/consumer/run-kafka-consumer.ts';
import { type StageName, stageNames } from '../service/contract/stages.ts';
import { createLogger } from '../service/logger.ts';
import { startTracing } from '../service/tracing/start-tracing.ts';
import { runAction } from './run-action.ts';
import { untilSignal } from './until-signal.ts';

export function kafkaConsumerCommand(): Command {
  return new Command('kafka-consumer')
    .description(
      "run the pipeline's consumer groups: route outbox events from the CDC topic, send the notifications, project the registrations (every stage unless --only)",
    )
    .addOption(new Option('--only <stages...>', 'run these stages only').choices(stageNames))
    .action(
      runAction(async (config, options: { only?: StageName[] }) => {
        const logger = createLogger(config.LOG_LEVEL, 'kafka-consumer');
        const groups: readonly StageName[] = options.only ?? stageNames;
        // Whatever happens during shutdown, the process is gone within the timeout; what is not
        // committed by then is redelivered to the next run.
        const onShutdown = (exitCode: number) => {
          setTimeout(() => {
            logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
            process.exit(exitCode === 0 ? 1 : exitCode);
          }, config.SHUTDOWN_TIMEOUT_MS).unref();
        };
        const tracing = await startTracing('kafka-consumer', logger);
        try {
          return await runKafkaConsumer({ config, logger, groups, stopRequested: untilSignal(), onShutdown, tracing: tracing.enabled });
        } finally {
          await tracing.shutdown();
        }
      }),
    );
}

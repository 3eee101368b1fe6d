import { Command } from 'commander';
import { createKafka } from '../service/kafka/client.ts';
import { applicationTopics, describeTopics, ensureTopics, withAdmin } from '../service/kafka/topics.ts';
import { runAction } from './run-action.ts';

export function topicsCommand(): Command {
  const command = new Command('topics').description('the Kafka topics of the application');
  command
    .command('create')
    .description('create CDC_TOPIC, USER_REGISTRATION_TOPIC and DLQ_TOPIC with TOPIC_PARTITIONS partitions, if missing')
    .action(
      runAction(async (config) => {
        const reports = await withAdmin(
          () => createKafka(config).admin(),
          config.KAFKA_BROKERS,
          (admin) => ensureTopics(admin, applicationTopics(config)),
        );
        for (const { topic, partitions, created } of reports) {
          const note = partitions < config.TOPIC_PARTITIONS ? ` (fewer than TOPIC_PARTITIONS=${config.TOPIC_PARTITIONS}; left as is)` : '';
          process.stdout.write(`${created ? 'created ' : 'exists  '} ${topic}  partitions=${partitions}${note}\n`);
        }
      }),
    );
  command
    .command('list')
    .description('every topic on the cluster with its partition count')
    .action(
      runAction(async (config) => {
        await withAdmin(
          () => createKafka(config).admin(),
          config.KAFKA_BROKERS,
          async (admin) => {
            const names = (await admin.listTopics()).filter((name) => !name.startsWith('__')).sort();
            const partitions = await describeTopics(admin, names);
            for (const name of names) process.stdout.write(`${name}  partitions=${partitions.get(name) ?? '?'}\n`);
          },
        );
      }),
    );
  return command;
}

import { Command, Option } from 'commander';
import { stackClean, stackDown } from '../tooling/stack/stack-down.ts';
import { stackLogs } from '../tooling/stack/stack-logs.ts';
import { stackStatus } from '../tooling/stack/stack-status.ts';
import { stackTest } from '../tooling/stack/stack-test.ts';
import { stackUp } from '../tooling/stack/stack-up.ts';
import { runAction } from './run-action.ts';

export function stackCommand(): Command {
  const command = new Command('stack')
    .description('the local CDC stack without Docker: Kafka (KRaft), Kafka Connect with Debezium, state under STACK_DIR')
    .enablePositionalOptions();
  command
    .command('up')
    .description('start whatever is not running (detached), create topics, register the connector; safe to repeat')
    .option('--observe', 'also start Prometheus (Debian package) scraping the api-server and the kafka-consumer, alert rules loaded')
    .option('--cluster', 'three KRaft nodes, two Connect workers and two kafka-consumers, topics replicated three times (make up CLUSTER=1)')
    .action(
      runAction(
        async (config, options: { observe?: boolean; cluster?: boolean }) =>
          void (await stackUp(config, [], { observe: options.observe === true, cluster: options.cluster === true })),
      ),
    );
  command
    .command('down')
    .description('stop the processes this stack started (SIGTERM, then SIGKILL); keeps data')
    .action(runAction(async (config) => stackDown(config)));
  command
    .command('clean')
    .description('down, then remove Kafka data, Connect offsets, logs and the replication slot (jars stay)')
    .action(runAction(async (config) => stackClean(config)));
  command
    .command('status')
    .description('processes, connector and replication slot; exit code 1 when anything is down')
    .action(
      runAction(async (config) => {
        const { lines, healthy } = await stackStatus(config);
        process.stdout.write(`${lines.join('\n')}\n`);
        return healthy ? 0 : 1;
      }),
    );
  command
    .command('logs')
    .description('tail the process logs')
    .argument('[process...]', 'kafka, connect, api-server, kafka-consumer, prometheus (default: all)')
    .addOption(new Option('-n, --lines <count>', 'lines per log').default('50'))
    .option('-f, --follow', 'keep following (Ctrl-C to stop)', false)
    .action(
      runAction(async (config, names: string[], options: { lines: string; follow: boolean }) =>
        stackLogs(config, { names, lines: Number(options.lines), follow: options.follow }),
      ),
    );
  command
    .command('test')
    .description("run a command (the test suite) on a stack of its own, made from nothing and stopped after; exits with the command's code")
    .argument('<command...>', 'the command and its arguments, after --')
    .passThroughOptions()
    .action(runAction(async (config, args: string[]) => stackTest(config, args)));
  return command;
}

import { Command } from 'commander';
import { benchPlan, parseCount, parseRates, parseScenarios, scenarioNames } from '../tooling/bench/bench-plan.ts';
import { parseOverrides } from '../tooling/bench/connector-variant.ts';
import { runBench } from '../tooling/bench/run-bench.ts';
import { runSoak } from '../tooling/bench/soak/run-soak.ts';
import { soakTable } from '../tooling/bench/soak/soak-table.ts';
import { progress } from '../tooling/stack/progress.ts';
import { durationOption } from './outbox-command.ts';
import { runAction } from './run-action.ts';

export function benchCommand(): Command {
  return new Command('bench')
    .description('measure the outbox pipeline on the running stack (make up): latency per hop, relay throughput, write overhead, Kafka and polling baselines')
    .option('--quick', 'a small smoke run (seconds, not minutes)')
    .option('--only <scenarios>', `comma-separated subset of: ${scenarioNames.join(', ')}`)
    .option('--results <dir>', 'where the report folders go', 'bench-results')
    .option('--rates <list>', 'latency rates per second, comma-separated (default 50,200,1000; quick 50,200)')
    .option(
      '--drain-events <n>',
      'registrations of the pipeline drain (default 200,000; quick 5,000): the largest backlog the machine drains in reasonable time',
    )
    .option(
      '--drain-connector <settings>',
      'also run the pipeline drain with these settings on the live connector, restored afterwards, e.g. max.batch.size=8192 (A/B on equal backlogs)',
    )
    .option('--drain-rounds <n>', 'pipeline drains per connector setting, in alternating order (default 1)')
    .option(
      '--connector-variant <settings>',
      'also measure a temporary second connector with these settings, e.g. poll.interval.ms=10 (A/B on the same events)',
    )
    .option(
      '--soak <duration>',
      'instead of the scenarios: steady registrations for this long (10m; 2m to try), sampling RSS and event-loop lag',
      durationOption,
    )
    .option('--soak-rate <per-second>', 'registrations per second during the soak', (value) => parseRates(value)[0]!, 50)
    .action(
      runAction(
        async (
          config,
          options: {
            quick?: boolean;
            only?: string;
            results: string;
            rates?: string;
            drainEvents?: string;
            drainConnector?: string;
            drainRounds?: string;
            connectorVariant?: string;
            soak?: number;
            soakRate: number;
          },
        ) => {
          if (options.soak !== undefined) {
            const report = await runSoak(config, { durationMs: options.soak, ratePerSecond: options.soakRate, sampleEveryMs: 5_000, progress });
            process.stdout.write(`\n${soakTable(report).join('\n')}\n`);
            return report.sent === report.committed && report.failed === 0 ? 0 : 1;
          }
          const plan = benchPlan(options.quick === true ? 'quick' : 'full', parseScenarios(options.only));
          if (options.rates !== undefined) plan.latencyRates = parseRates(options.rates);
          if (options.drainEvents !== undefined) plan.pipelineDrainEvents = parseCount('--drain-events', options.drainEvents);
          if (options.drainConnector !== undefined) plan.pipelineDrainConnector = parseOverrides(options.drainConnector);
          if (options.drainRounds !== undefined) plan.pipelineDrainRounds = parseCount('--drain-rounds', options.drainRounds);
          if (options.connectorVariant !== undefined) plan.connectorVariant = parseOverrides(options.connectorVariant);
          progress(`bench (${plan.mode}): ${[...plan.scenarios].join(', ')}`);
          const { report, paths, table } = await runBench({ config, plan, resultsRoot: options.results, progress });
          process.stdout.write(`\n${table}\n`);
          process.stdout.write(`report: ${paths.json}\ntable:  ${paths.table}\ncharts: ${paths.relayChart}\n        ${paths.pipelineChart}\n`);
          // Missed targets are results; lost events or a broken step are failures.
          return report.zeroLoss && report.problems.length === 0 ? 0 : 1;
        },
      ),
    );
}

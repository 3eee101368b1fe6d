import { Command } from 'commander';
import { screenshotPrometheus } from '../tooling/observe/prometheus-screenshot.ts';
import { prometheusUrl } from '../tooling/stack/prometheus-process.ts';
import { runAction } from './run-action.ts';

const defaultQueries = [
  'histogram_quantile(0.99, sum by (stage, le) (rate(outbox_event_commit_to_handled_seconds_bucket[1m])))',
  'sum by (stage) (rate(outbox_consumer_records_total[1m]))',
];

export function screenshotCommand(): Command {
  return new Command('screenshot')
    .description("a PNG of the local Prometheus's graphs (make observe), rendered by headless Chromium")
    .option('--out <file>', 'where the PNG goes', 'observability/prometheus-graph.png')
    .option('--range <duration>', 'the time range shown, e.g. 15m or 1h', '15m')
    .option('--query <promql...>', 'the queries to graph, one chart each (default: p99 commit -> effect per stage, records per second)')
    .action(
      runAction(async (config, options: { out: string; range: string; query?: string[] }) => {
        const file = await screenshotPrometheus({
          prometheus: prometheusUrl(config),
          queries: options.query ?? defaultQueries,
          range: options.range,
          out: options.out,
        });
        process.stdout.write(`${file}\n`);
      }),
    );
}

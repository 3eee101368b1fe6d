import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Config } from '../../service/config.ts';
import { repoRoot } from '../../service/project-paths.ts';

export const observabilityDir = path.join(repoRoot, 'observability');
export const prometheusConfigFile = path.join(observabilityDir, 'prometheus', 'prometheus.yml');
export const alertRulesFile = path.join(observabilityDir, 'prometheus', 'alerts.yml');

interface ScrapeConfig {
  job_name: string;
  static_configs: Array<{ targets: string[] }>;
}

/** The scrape job of each process, as observability/prometheus/prometheus.yml names it. */
export const scrapeJobs = { apiServer: 'outbox-api-server', kafkaConsumer: 'outbox-kafka-consumer' } as const;

/**
 * The checked-in Prometheus config (the one docker-compose mounts) with this stack's targets and
 * the rules file's path on this machine: one description of what is scraped, two deployments.
 */
export function renderPrometheusConfig(text: string, config: Pick<Config, 'HOST' | 'PORT' | 'METRICS_PORT'>, rulesFile = alertRulesFile): string {
  const document = parse(text) as { rule_files: string[]; scrape_configs: ScrapeConfig[] };
  const targets: Record<string, string> = {
    [scrapeJobs.apiServer]: `${config.HOST}:${config.PORT}`,
    [scrapeJobs.kafkaConsumer]: `${config.HOST}:${config.METRICS_PORT}`,
  };
  document.rule_files = [rulesFile];
  for (const job of document.scrape_configs) {
    const target = targets[job.job_name];
    if (target !== undefined) job.static_configs = [{ targets: [target] }];
  }
  return stringify(document);
}

export async function prometheusConfig(config: Pick<Config, 'HOST' | 'PORT' | 'METRICS_PORT'>): Promise<string> {
  return renderPrometheusConfig(await readFile(prometheusConfigFile, 'utf8'), config);
}

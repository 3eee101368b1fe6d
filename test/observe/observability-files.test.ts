import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { loadConfig } from '../../src/service/config.ts';
import { createConsumerMetrics } from '../../src/service/consumer/group-metrics.ts';
import { createPipelineGauges } from '../../src/service/consumer/pipeline-metrics.ts';
import { httpMetrics } from '../../src/service/http/http-metrics.ts';
import { createMetricsRegistry } from '../../src/service/metrics/registry.ts';
import { repoRoot } from '../../src/service/project-paths.ts';
import { alertRulesFile, renderPrometheusConfig } from '../../src/tooling/stack/prometheus-config.ts';

const run = promisify(execFile);

// Every family the two processes can export, from the code that defines them.
function exportedFamilies(): Set<string> {
  const registry = createMetricsRegistry();
  createConsumerMetrics(registry);
  createPipelineGauges(registry, { slotName: 's', connectorName: 'c', deadLetterTopic: 'd' });
  httpMetrics(registry);
  return new Set(registry.getMetricsAsArray().map((metric) => metric.name));
}

/** Metric names a PromQL expression reads (ours, Node's and Prometheus's `up`), without histogram suffixes. */
function metricsIn(expr: string): string[] {
  const names = [...expr.matchAll(/\b((?:outbox|http_server|nodejs|process)_[a-z0-9_]+)\b/g)].map((match) => match[1]!);
  return names.map((name) => name.replace(/_(bucket|sum|count)$/, ''));
}

test('every metric the alert rules and the dashboard query is one the processes export', async () => {
  const families = exportedFamilies();
  const rules = parse(await readFile(alertRulesFile, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
  const dashboard = JSON.parse(await readFile(path.join(repoRoot, 'observability', 'grafana', 'dashboards', 'outbox-pipeline.json'), 'utf8')) as {
    panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  };
  const queries = [
    ...rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }))),
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel ${panel.title}`, expr: target.expr }))),
  ];
  assert.ok(queries.length > 30);
  for (const { where, expr } of queries) {
    const names = metricsIn(expr);
    assert.ok(names.length > 0 || expr.includes('up{'), `${where} reads a metric`);
    for (const name of names) assert.ok(families.has(name), `${where} reads ${name}, which nothing exports`);
  }
});

test('the config make observe writes passes promtool check config, with this stack targets and the rules', async () => {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '15001', METRICS_PORT: '19464' });
  const rendered = renderPrometheusConfig(await readFile(path.join(repoRoot, 'observability', 'prometheus', 'prometheus.yml'), 'utf8'), config);
  const directory = await mkdtemp(path.join(tmpdir(), 'prometheus-config-'));
  try {
    const file = path.join(directory, 'prometheus.yml');
    await writeFile(file, rendered);
    const { stdout } = await run('promtool', ['check', 'config', file]);
    assert.match(stdout, /SUCCESS/);
    const document = parse(rendered) as { rule_files: string[]; scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }> };
    assert.deepEqual(document.rule_files, [alertRulesFile]);
    assert.deepEqual(
      document.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets)),
      ['127.0.0.1:15001', '127.0.0.1:19464'],
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

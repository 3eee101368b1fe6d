import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/service/config.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { stackPaths } from '../../src/tooling/stack/paths.ts';
import { ensureProcessRunning, stopStackProcess } from '../../src/tooling/stack/process-lifecycle.ts';
import { scrapeJobs } from '../../src/tooling/stack/prometheus-config.ts';
import { prometheusProcess, prometheusUrl } from '../../src/tooling/stack/prometheus-process.ts';
import { familiesOf, promtoolCheckMetrics, sampleOf, sumOf } from '../support/prometheus-text.ts';

// The test stack's own api-server and kafka-consumer (make test starts them with the test
// profile's PORT and METRICS_PORT), scraped as Prometheus would.
const config = loadConfig();
const apiMetrics = `http://${config.HOST}:${config.PORT}/metrics`;
const consumerMetrics = `http://${config.HOST}:${config.METRICS_PORT}/metrics`;

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return response.text();
}

const nodeFamilies = ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'process_cpu_seconds_total'];
const expected = {
  api: { http_server_request_duration_seconds: 'histogram', outbox_registrations_total: 'counter' },
  consumer: {
    outbox_consumer_records_total: 'counter',
    outbox_consumer_retries_total: 'counter',
    outbox_dead_letters_total: 'counter',
    outbox_consumer_attempt_duration_seconds: 'histogram',
    outbox_consumer_records_in_flight: 'gauge',
    outbox_consumer_group_lag_records: 'gauge',
    outbox_event_commit_to_handled_seconds: 'histogram',
    outbox_consumer_oldest_unhandled_event_age_seconds: 'gauge',
    outbox_replication_slot_retained_wal_bytes: 'gauge',
    outbox_replication_slot_wal_status: 'gauge',
    outbox_connector_state: 'gauge',
    outbox_connector_task_state: 'gauge',
    outbox_dead_letter_topic_records: 'gauge',
    outbox_pipeline_probe_up: 'gauge',
  },
};

describe('the live metrics endpoints', () => {
  for (const [name, url, families] of [
    ['api-server', apiMetrics, expected.api],
    ['kafka-consumer', consumerMetrics, expected.consumer],
  ] as const) {
    test(`${name}: every family of the issue, Node's own, and promtool check metrics passes`, async () => {
      const text = await scrape(url);
      const declared = familiesOf(text);
      for (const [family, type] of Object.entries(families)) assert.equal(declared.get(family), type, family);
      for (const family of nodeFamilies) assert.ok(declared.has(family), family);
      const checked = await promtoolCheckMetrics(text);
      assert.equal(checked.code, 0, checked.output);
      assert.equal(checked.output.trim(), '', checked.output);
    });
  }

  test('one registration moves the API, router and notifier figures; the pipeline state reads healthy', async () => {
    const before = { api: await scrape(apiMetrics), consumer: await scrape(consumerMetrics) };
    const routed = { stage: 'router', outcome: 'routed' };
    const sent = { stage: 'notifier', outcome: 'sent' };
    const response = await fetch(`http://${config.HOST}:${config.PORT}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `metrics-${Date.now()}@example.com`, password: 'correct horse battery staple' }),
    });
    assert.equal(response.status, 201);
    const after = await waitFor(
      async () => {
        const text = await scrape(consumerMetrics);
        return sumOf(text, 'outbox_consumer_records_total', sent) > sumOf(before.consumer, 'outbox_consumer_records_total', sent) ? text : undefined;
      },
      { what: 'the notifier counting the SENT notification', timeoutMs: 30_000, intervalMs: 200 },
    );
    assert.ok(sumOf(after, 'outbox_consumer_records_total', routed) > sumOf(before.consumer, 'outbox_consumer_records_total', routed));
    for (const stage of ['router', 'notifier']) {
      const count = (text: string) => sumOf(text, 'outbox_event_commit_to_handled_seconds_count', { stage, event_type: 'UserRegistered' });
      assert.ok(count(after) > count(before.consumer), `commit -> ${stage} observed`);
    }
    const api = await scrape(apiMetrics);
    assert.equal(
      sampleOf(api, 'outbox_registrations_total{outcome="registered"}'),
      (sampleOf(before.api, 'outbox_registrations_total{outcome="registered"}') ?? 0) + 1,
    );

    // The pipeline state is read every METRICS_POLL_INTERVAL_MS; the lag, from the group's own
    // consumer statistics, once the first of them arrived (this instance holds every partition).
    const notifierLag = new RegExp(
      `^outbox_consumer_group_lag_records\\{stage="notifier",group="${config.NOTIFIER_GROUP_ID}",topic="${config.USER_REGISTRATION_TOPIC}",partition="0"\\} \\d+$`,
      'm',
    );
    const state = await waitFor(
      async () => {
        const text = await scrape(consumerMetrics);
        return sumOf(text, 'outbox_pipeline_probe_up') === 3 && notifierLag.test(text) ? text : undefined;
      },
      { what: 'the kafka-consumer reading PostgreSQL, Connect and Kafka, and its groups their lag', timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(sumOf(state, 'outbox_replication_slot_wal_status', { slot: config.SLOT_NAME, status: 'reserved' }), 1);
    assert.equal(sumOf(state, 'outbox_replication_slot_active', { slot: config.SLOT_NAME }), 1);
    assert.equal(sumOf(state, 'outbox_connector_state', { state: 'RUNNING' }), 1);
    assert.equal(sumOf(state, 'outbox_connector_task_state', { task: '0', state: 'RUNNING' }), 1);
    assert.ok(sumOf(state, 'outbox_replication_slot_retained_wal_bytes') >= 0);
    assert.match(state, new RegExp(`^outbox_dead_letter_topic_records\\{topic="${config.DLQ_TOPIC.replaceAll('.', '\\.')}"\\} \\d+$`, 'm'));
  });
});

describe('make observe: the local Prometheus', () => {
  const context = { config, paths: stackPaths(config) };
  after(async () => {
    await stopStackProcess(prometheusProcess, context);
  });

  test('scrapes the api-server and the kafka-consumer and loads every alert rule', async () => {
    await ensureProcessRunning(prometheusProcess, context);
    const base = prometheusUrl(config);
    const health = await waitFor(
      async () => {
        const { data } = (await (await fetch(`${base}/api/v1/targets`)).json()) as {
          data: { activeTargets: Array<{ labels: { job: string }; health: string; lastError: string }> };
        };
        const byJob = new Map(data.activeTargets.map((target) => [target.labels.job, target]));
        return [scrapeJobs.apiServer, scrapeJobs.kafkaConsumer].every((job) => byJob.get(job)?.health === 'up') ? byJob : undefined;
      },
      { what: 'Prometheus scraping both targets', timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(health.size, 2);
    const { data } = (await (await fetch(`${base}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> } };
    const rules = data.groups.flatMap((group) => group.rules);
    assert.ok(rules.length >= 12, `${rules.length} rules loaded`);
    assert.ok(rules.some((rule) => rule.name === 'OutboxConnectorNotRunning'));
    // A query over what it scraped: the consumer's own metrics are there.
    const query = await waitFor(
      async () => {
        const answer = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent('sum(outbox_connector_state{state="RUNNING"})')}`)).json()) as {
          data: { result: Array<{ value: [number, string] }> };
        };
        return answer.data.result[0]?.value[1];
      },
      { what: 'Prometheus answering a query over the scraped metrics', timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(query, '1');
  });
});

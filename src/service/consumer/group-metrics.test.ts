import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../errors.ts';
import { createMetricsRegistry } from '../metrics/registry.ts';
import type { SourceRecord } from './dead-letter.ts';
import { createConsumerMetrics } from './group-metrics.ts';
import { observeGroup } from './group-observer.ts';

const record = (offset: number, timestamp = Date.now()): SourceRecord => ({
  topic: 'notif',
  partition: 0,
  offset: String(offset),
  timestamp: String(timestamp),
  key: null,
  value: null,
  headers: undefined,
});

async function value(registry: ReturnType<typeof createMetricsRegistry>, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((entry) => Object.entries(labels).every(([key, wanted]) => entry.labels[key] === wanted))?.value;
}

/** The value of one series in the Prometheus text, as a scrape sees it. */
async function line(registry: ReturnType<typeof createMetricsRegistry>, series: string): Promise<number | undefined> {
  const found = (await registry.metrics()).split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return found === undefined ? undefined : Number(found.slice(series.length + 1));
}

function setup(facts: (record: SourceRecord) => { eventType?: string; committedAtMs?: number } = () => ({})) {
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const observer = observeGroup(facts, [createConsumerMetrics(registry).observer({ stage: 'notifier', group: 'sender', effect: 'sent' })]);
  return { registry, observer };
}

test('counts finished records by outcome, dead letters by code, retries by code, and attempts by result', async () => {
  const { registry, observer } = setup();
  const sent = observer.start([record(1)]);
  sent.attempted(0.02, new AppError('TIMEOUT', 'slow'));
  sent.retrying(new AppError('TIMEOUT', 'slow'));
  sent.attempted(0.01, undefined);
  sent.finished({ kind: 'handled', outcome: 'sent' });
  observer.start([record(2)]).finished({ kind: 'handled', outcome: 'duplicate' });
  observer.start([record(3)]).finished({ kind: 'dead-lettered', code: 'INVALID_PAYLOAD' });
  observer.start([record(4)]).finished({ kind: 'left' });
  const group = { stage: 'notifier', group: 'sender' };
  assert.equal(await value(registry, 'outbox_consumer_records_total', { ...group, outcome: 'sent' }), 1);
  assert.equal(await value(registry, 'outbox_consumer_records_total', { ...group, outcome: 'duplicate' }), 1);
  assert.equal(await value(registry, 'outbox_consumer_records_total', { ...group, outcome: 'dead_lettered' }), 1);
  assert.equal(await value(registry, 'outbox_dead_letters_total', { ...group, code: 'INVALID_PAYLOAD' }), 1);
  assert.equal(await value(registry, 'outbox_consumer_retries_total', { ...group, code: 'TIMEOUT' }), 1);
  const attempts = (result: string) => line(registry, `outbox_consumer_attempt_duration_seconds_count{stage="notifier",group="sender",result="${result}"}`);
  assert.equal(await attempts('ok'), 1);
  assert.equal(await attempts('error'), 1);
  assert.equal(await value(registry, 'outbox_consumer_records_in_flight', group), 0);
});

test('a group that finished nothing still has its series, at 0', async () => {
  const { registry } = setup();
  assert.equal(await value(registry, 'outbox_consumer_records_total', { outcome: 'sent' }), 0);
  assert.equal(await value(registry, 'outbox_consumer_records_total', { outcome: 'dead_lettered' }), 0);
  assert.equal(await value(registry, 'outbox_consumer_oldest_unhandled_event_age_seconds', {}), 0);
});

test('freshness is commit -> effect, for the effect only, per catalog event type', async () => {
  const now = Date.now();
  const { registry, observer } = setup((r) => ({ eventType: r.offset === '9' ? 'NotInTheCatalog' : 'UserRegistered', committedAtMs: now - 2_000 }));
  observer.start([record(1)]).finished({ kind: 'handled', outcome: 'sent' });
  observer.start([record(2)]).finished({ kind: 'handled', outcome: 'duplicate' });
  observer.start([record(9)]).finished({ kind: 'handled', outcome: 'sent' });
  const of = (suffix: string, eventType: string) =>
    line(registry, `outbox_event_commit_to_handled_seconds${suffix}{stage="notifier",group="sender",event_type="${eventType}"}`);
  assert.equal(await of('_count', 'UserRegistered'), 1, 'the duplicate is no effect');
  const sum = (await of('_sum', 'UserRegistered')) ?? 0;
  assert.ok(sum >= 2 && sum < 10, String(sum));
  assert.equal(await of('_count', 'unknown'), 1, 'an event type outside the catalog is not a label value of its own');
  assert.equal(await of('_count', 'NotInTheCatalog'), undefined);
});

test('the oldest event in hand ages from its commit; nothing in hand reads 0, whatever came before', async () => {
  const now = Date.now();
  const commits = new Map([
    ['1', now - 30_000],
    ['2', now - 5_000],
  ]);
  const { registry, observer } = setup((r) => ({ committedAtMs: commits.get(r.offset) }));
  const older = observer.start([record(1)]);
  const newer = observer.start([record(2)]);
  const age = () => value(registry, 'outbox_consumer_oldest_unhandled_event_age_seconds', { stage: 'notifier' });
  assert.ok(Math.abs((await age())! - 30) < 2, String(await age()));
  assert.equal(await value(registry, 'outbox_consumer_records_in_flight', { stage: 'notifier' }), 2);
  older.finished({ kind: 'handled', outcome: 'sent' });
  assert.ok(Math.abs((await age())! - 5) < 2, String(await age()));
  newer.finished({ kind: 'left' });
  assert.equal(await age(), 0);
  // A record without a commit time ages from its Kafka timestamp.
  observer.start([record(3, now - 60_000)]);
  assert.ok(Math.abs((await age())! - 60) < 2);
});

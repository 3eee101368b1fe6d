import { Counter, Gauge, Histogram } from 'prom-client';
import { isEventType } from '../contract/events.ts';
import { durationBuckets, freshnessBuckets, type MetricsRegistry } from '../metrics/registry.ts';
import type { ObservedRecord, RecordObserver } from './group-observer.ts';

export interface ObservedGroup {
  /** The stage's name in contract/stages.ts (router, notifier): stable across deployments, so alert rules use it. */
  stage: string;
  /** The Kafka consumer group id. */
  group: string;
  /** The handler outcome that is the stage's effect (routed, sent): its commit -> effect time is measured. */
  effect: string;
}

export interface ConsumerMetrics {
  observer(group: ObservedGroup): RecordObserver;
}

/**
 * The consumer groups' metrics. Labels are bounded: stage and group come from the stage table,
 * outcomes from the handlers' fixed set, codes from the error model, event types from the catalog
 * (anything else is "unknown"); never an id, a key or an offset.
 *
 * The age of the oldest unhandled event is defined as: now minus the commit time in PostgreSQL of
 * the oldest record this process has taken from the group's partitions and not yet finished
 * (handled, or dead-lettered and acknowledged). A group with nothing in hand reads 0, so an idle
 * pipeline is fresh, not "as stale as its last event". Records the group has not fetched at all
 * are what `outbox_consumer_group_lag_records` counts.
 */
export function createConsumerMetrics(registry: MetricsRegistry): ConsumerMetrics {
  const registers = [registry];
  const groupLabels = ['stage', 'group'] as const;
  const records = new Counter({
    name: 'outbox_consumer_records_total',
    help: 'Records a consumer group finished with, by outcome: what the handler returned (routed, sent, duplicate, skipped:<reason>) or dead_lettered.',
    labelNames: [...groupLabels, 'outcome'],
    registers,
  });
  const retries = new Counter({
    name: 'outbox_consumer_retries_total',
    help: 'Failed attempts at a record that are tried again, by error code.',
    labelNames: [...groupLabels, 'code'],
    registers,
  });
  const deadLetters = new Counter({
    name: 'outbox_dead_letters_total',
    help: 'Records written to the dead-letter topic and acknowledged, by stage and error code.',
    labelNames: [...groupLabels, 'code'],
    registers,
  });
  const attempts = new Histogram({
    name: 'outbox_consumer_attempt_duration_seconds',
    help: 'Duration of one attempt at a record (the handler: a send, a transaction), by result (ok, error).',
    labelNames: [...groupLabels, 'result'],
    buckets: durationBuckets,
    registers,
  });
  const inFlight = new Gauge({
    name: 'outbox_consumer_records_in_flight',
    help: 'Records being handled now: attempting, waiting to retry, or writing their dead letter.',
    labelNames: groupLabels,
    registers,
  });
  const freshness = new Histogram({
    name: 'outbox_event_commit_to_handled_seconds',
    help: "Seconds from the outbox row's commit in PostgreSQL (Debezium source.ts_ms) to the stage's effect: routed and acknowledged (router), notification SENT and committed (notifier).",
    labelNames: [...groupLabels, 'event_type'],
    buckets: freshnessBuckets,
    registers,
  });
  // Commit times of the records each group has in hand; the oldest is read at scrape time.
  const inHand = new Map<string, { labels: { stage: string; group: string }; commits: Set<{ ms: number }> }>();
  new Gauge({
    name: 'outbox_consumer_oldest_unhandled_event_age_seconds',
    help: 'Now minus the commit time of the oldest record the group has taken and not yet finished; 0 when it has none in hand (an idle group is fresh).',
    labelNames: groupLabels,
    registers,
    collect() {
      const now = Date.now();
      for (const { labels, commits } of inHand.values()) {
        let oldest = Number.POSITIVE_INFINITY;
        for (const commit of commits) oldest = Math.min(oldest, commit.ms);
        this.set(labels, Number.isFinite(oldest) ? Math.max(0, now - oldest) / 1000 : 0);
      }
    },
  });

  return {
    observer({ stage, group, effect }) {
      const labels = { stage, group };
      const commits = new Set<{ ms: number }>();
      inHand.set(`${stage}/${group}`, { labels, commits });
      // Children bound to their labels once: a record then costs no label hashing.
      const outcomes = boundBy((outcome: string) => records.labels({ ...labels, outcome }));
      const freshnessOf = boundBy((eventType: string) => freshness.labels({ ...labels, event_type: eventType }));
      const attemptOk = attempts.labels({ ...labels, result: 'ok' });
      const attemptFailed = attempts.labels({ ...labels, result: 'error' });
      const handling = inFlight.labels(labels);
      // Series exist from the start, so "no progress" reads as an increase of 0, not as no data.
      outcomes(effect).inc(0);
      outcomes('dead_lettered').inc(0);
      handling.set(0);
      return {
        start(observed: readonly ObservedRecord[]) {
          const held = observed.map(({ record, facts }) => ({ ms: facts.committedAtMs ?? Number(record.timestamp) }));
          for (const commit of held) commits.add(commit);
          handling.inc(observed.length);
          return {
            within: (work) => work(),
            attempted: (seconds, error) => (error === undefined ? attemptOk : attemptFailed).observe(seconds),
            retrying: (error) => retries.inc({ ...labels, code: error.code }),
            finished: (result) => {
              for (const commit of held) commits.delete(commit);
              handling.dec(observed.length);
              if (result.kind === 'left') return;
              if (result.kind === 'dead-lettered') {
                outcomes('dead_lettered').inc(observed.length);
                deadLetters.inc({ ...labels, code: result.code }, observed.length);
                return;
              }
              outcomes(result.outcome).inc(observed.length);
              if (result.outcome !== effect) return;
              const now = Date.now();
              for (const { facts } of observed) {
                if (facts.committedAtMs === undefined) continue;
                const eventType = facts.eventType !== undefined && isEventType(facts.eventType) ? facts.eventType : 'unknown';
                freshnessOf(eventType).observe(Math.max(0, now - facts.committedAtMs) / 1000);
              }
            },
          };
        },
      };
    },
  };
}

/** One child per label value, made on first use (label values are bounded, so the map is too). */
function boundBy<T>(make: (value: string) => T): (value: string) => T {
  const children = new Map<string, T>();
  return (value) => {
    let child = children.get(value);
    if (child === undefined) {
      child = make(value);
      children.set(value, child);
    }
    return child;
  };
}

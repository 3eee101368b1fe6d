import { collectDefaultMetrics, Registry } from 'prom-client';

export type MetricsRegistry = Registry;

/**
 * One registry per process, holding Node's own figures (event loop lag, heap, GC, CPU, open
 * handles) beside the process's metrics. A registry per process rather than prom-client's global
 * one keeps tests that build several apps in one process apart.
 */
export function createMetricsRegistry({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}): MetricsRegistry {
  const registry = new Registry();
  if (!defaultMetrics) return registry;
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters, which `promtool check metrics` rejects; the same figures remain
  // per type in nodejs_active_handles, nodejs_active_requests and nodejs_active_resources (sum them).
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  return registry;
}

/** Seconds buckets for durations from a millisecond to half a minute (an HTTP request, one attempt at a record). */
export const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Seconds buckets for commit -> effect, from 10 ms to 10 minutes; 10 s, the freshness SLO, is a boundary. */
export const freshnessBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

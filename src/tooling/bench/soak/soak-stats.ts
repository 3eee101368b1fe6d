import { percentile } from '../percentiles.ts';

/** One reading of one process: when (ms since the soak began) and the value. */
export interface Sample {
  t: number;
  value: number;
}

/** Least-squares slope of value over time, per hour; undefined with fewer than two distinct times. */
export function slopePerHour(samples: readonly Sample[]): number | undefined {
  const n = samples.length;
  if (n < 2) return undefined;
  const meanT = samples.reduce((sum, s) => sum + s.t, 0) / n;
  const meanV = samples.reduce((sum, s) => sum + s.value, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.t - meanT) * (s.value - meanV);
    variance += (s.t - meanT) ** 2;
  }
  return variance === 0 ? undefined : (covariance / variance) * 3_600_000;
}

export interface MemorySummary {
  start: number;
  end: number;
  max: number;
  /** Slope over the samples after the warm-up, per hour (undefined when too few remain). */
  growthPerHour: number | undefined;
  samples: number;
}

/**
 * Pure: a process's RSS over the soak. Start, end and max cover every sample; the growth ignores the
 * warm-up (a process's heap and JIT settle in its first minute or two, which is not a leak).
 */
export function summarizeMemory(samples: readonly Sample[], warmUpMs: number): MemorySummary | undefined {
  if (samples.length === 0) return undefined;
  return {
    start: samples[0]!.value,
    end: samples[samples.length - 1]!.value,
    max: Math.max(...samples.map((s) => s.value)),
    growthPerHour: slopePerHour(samples.filter((s) => s.t >= warmUpMs)),
    samples: samples.length,
  };
}

export interface LagSummary {
  /** p99 over the per-interval p99 readings, and the largest per-interval max. */
  p99: number;
  max: number;
}

/** Pure: event-loop lag over the soak, from readings of prom-client's per-scrape p99 and max (seconds). */
export function summarizeLag(readings: ReadonlyArray<{ p99: number; max: number }>): LagSummary | undefined {
  if (readings.length === 0) return undefined;
  return {
    p99: percentile(
      [...readings.map((r) => r.p99)].sort((a, b) => a - b),
      99,
    ),
    max: Math.max(...readings.map((r) => r.max)),
  };
}

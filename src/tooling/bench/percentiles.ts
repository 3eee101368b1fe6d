/** What every latency row of the report shows, in milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Nearest-rank percentile of an ascending array: the smallest sample with at least p% of the
 * samples at or below it. No interpolation, so every reported value is one that was observed.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[sorted.length - 1]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}

/** Summary of unsorted samples; an empty input gives count 0 and NaN elsewhere (never a fake zero). */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const count = sorted.length;
  const mean = count === 0 ? Number.NaN : sorted.reduce((sum, value) => sum + value, 0) / count;
  return {
    count,
    min: count === 0 ? Number.NaN : sorted[0]!,
    mean,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: count === 0 ? Number.NaN : sorted[count - 1]!,
  };
}

/** The report's form of a summary: JSON has no NaN, so a value that does not exist is null. */
export type ReportedSummary = { count: number } & { [K in Exclude<keyof LatencySummary, 'count'>]: number | null };

/** Rounds every field to a tenth of a millisecond, so the JSON report is readable and stable. */
export function roundSummary(summary: LatencySummary): ReportedSummary {
  const round = (value: number) => (Number.isFinite(value) ? Math.round(value * 10) / 10 : null);
  return {
    count: summary.count,
    min: round(summary.min),
    mean: round(summary.mean),
    p50: round(summary.p50),
    p95: round(summary.p95),
    p99: round(summary.p99),
    max: round(summary.max),
  };
}

/** p0..p100 of unsorted samples, or null when there are none: the report's compact distribution. */
export function distribution(samples: readonly number[]): number[] | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return Array.from({ length: 101 }, (_, p) => Math.round(percentile(sorted, p) * 10) / 10);
}

/**
 * Open-loop pacing: event i is due at i / rate seconds after the start, whatever happened to the
 * events before it. A closed loop (wait for one write, then send the next) would slow down
 * exactly when the system does and hide the latency it should measure (coordinated omission).
 */
export function dueOffsetMs(index: number, ratePerSecond: number): number {
  if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
  return (index * 1000) / ratePerSecond;
}

/** How many events a run of this rate and duration writes (at least one). */
export function plannedCount(ratePerSecond: number, durationMs: number): number {
  return Math.max(1, Math.round((ratePerSecond * durationMs) / 1000));
}

/** Events per second over a span; 0 when the span is empty, so a table never shows Infinity. */
export function ratePerSecond(count: number, spanMs: number): number {
  return spanMs > 0 ? (count * 1000) / spanMs : 0;
}

/** Splits [0, total) into consecutive batches of at most `size`, as [start, end) pairs. */
export function batchRanges(total: number, size: number): Array<[number, number]> {
  if (!(size >= 1)) throw new RangeError(`batch size must be at least 1, got ${size}`);
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < total; start += size) ranges.push([start, Math.min(total, start + size)]);
  return ranges;
}

import { distribution, roundSummary, summarize } from './percentiles.ts';
import type { Hop } from './report-schema.ts';

type Clock = (id: string) => number | null | undefined;

/** end - start in ms for every id that has both; ids missing an end are the loss check's business. */
export function hopSamples(ids: readonly string[], start: Clock, end: Clock): number[] {
  const samples: number[] = [];
  for (const id of ids) {
    const from = start(id);
    const to = end(id);
    if (from === null || from === undefined || to === null || to === undefined || !Number.isFinite(from) || !Number.isFinite(to)) continue;
    samples.push(to - from);
  }
  return samples;
}

export function toHop(hop: string, samples: readonly number[]): Hop {
  return { hop, summary: roundSummary(summarize(samples)), distribution: distribution(samples) };
}

export function measureHop(hop: string, ids: readonly string[], start: Clock, end: Clock): Hop {
  return toHop(hop, hopSamples(ids, start, end));
}

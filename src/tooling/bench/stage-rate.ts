import { ratePerSecond } from './rate-schedule.ts';

export interface StageRate {
  stage: string;
  events: number;
  seconds: number;
  ratePerSecond: number;
}

/** Stage names the targets look for. */
export const stages = {
  insert: 'insert',
  debezium: 'debezium',
  router: 'router',
  notifier: 'notifier (SENT)',
  endToEnd: 'first insert -> all routed',
  polling: 'polling relay',
} as const;

/**
 * A stage's sustained rate: events over the span from its first to its last completion, so
 * the time the first event needs to get through (pipeline fill) is not charged as slowness.
 * One event, or all at one instant, has no span and so no rate.
 */
export function sustainedRate(stage: string, completions: readonly number[]): StageRate {
  if (completions.length === 0) return { stage, events: 0, seconds: 0, ratePerSecond: 0 };
  let first = Infinity;
  let last = -Infinity;
  for (const at of completions) {
    if (at < first) first = at;
    if (at > last) last = at;
  }
  const spanMs = last - first;
  return { stage, events: completions.length, seconds: round(spanMs / 1000), ratePerSecond: Math.round(ratePerSecond(completions.length - 1, spanMs)) };
}

/** Events over a span measured from an external start (first insert), fill time included. */
export function rateSince(stage: string, startMs: number, completions: readonly number[]): StageRate {
  const last = completions.reduce((max, at) => Math.max(max, at), startMs);
  return {
    stage,
    events: completions.length,
    seconds: round((last - startMs) / 1000),
    ratePerSecond: Math.round(ratePerSecond(completions.length, last - startMs)),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The insert stage: every event over the time the inserts took. */
export function insertStage(events: number, startMs: number, endMs: number): StageRate {
  return { stage: stages.insert, events, seconds: round((endMs - startMs) / 1000), ratePerSecond: Math.round(ratePerSecond(events, endMs - startMs)) };
}

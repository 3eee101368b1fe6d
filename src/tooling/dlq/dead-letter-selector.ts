import { pipelineStages } from '../../service/contract/stages.ts';
import { AppError } from '../../service/errors.ts';
import type { DeadLetterEntry } from './dead-letter-entry.ts';

/** Which dead letters a command is about; every given criterion must hold, an empty one selects all. */
export interface DeadLetterSelector {
  codes?: readonly string[];
  /** dlq-stage labels (route, notify); stage names (router, notifier) are accepted and translated. */
  stages?: readonly string[];
  /** The raw record key or the aggregate id (a CDC record's key is Debezium's JSON around it). */
  keys?: readonly string[];
  eventIds?: readonly string[];
  /** Dead-lettered at or after this time (epoch ms). */
  sinceMs?: number;
}

export function isEmptySelector(selector: DeadLetterSelector): boolean {
  return (
    selector.sinceMs === undefined &&
    [selector.codes, selector.stages, selector.keys, selector.eventIds].every((list) => list === undefined || list.length === 0)
  );
}

export function selects(selector: DeadLetterSelector, entry: DeadLetterEntry): boolean {
  const within = (list: readonly string[] | undefined, value: string | null | undefined) =>
    list === undefined || list.length === 0 || (value !== null && value !== undefined && list.includes(value));
  return (
    within(selector.codes, entry.code) &&
    within(selector.stages?.map(deadLetterStageLabel), entry.stage) &&
    (within(selector.keys, entry.key) || within(selector.keys, entry.aggregateId)) &&
    within(
      selector.eventIds?.map((id) => id.toLowerCase()),
      entry.eventId?.toLowerCase(),
    ) &&
    (selector.sinceMs === undefined || entry.at.timestamp >= selector.sinceMs)
  );
}

/** `router` -> `route`: operators know the stage by the name `cli status` shows, the header says the label. */
export function deadLetterStageLabel(nameOrLabel: string): string {
  return pipelineStages.find((stage) => stage.name === nameOrLabel)?.deadLetterStage ?? nameOrLabel;
}

const durationUnits: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now (90s, 15m, 2h, 7d) or a point in time (ISO-8601). */
export function parseSince(text: string, now: number): number {
  const duration = /^(\d+)([smhd])$/.exec(text.trim());
  if (duration !== null) return now - Number(duration[1]) * durationUnits[duration[2]!]!;
  const time = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(time)) return time;
  throw new AppError('VALIDATION_FAILED', `--since takes a duration (90s, 15m, 2h, 7d) or an ISO-8601 time (2026-01-31T22:00:00Z), not "${text}"`);
}

export type DeadLetterRef = { kind: 'event'; eventId: string } | { kind: 'position'; partition: number; offset: number };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `cli dlq show`'s argument: an event id, or the dead letter's `partition:offset` on the dead-letter topic. */
export function parseDeadLetterRef(text: string): DeadLetterRef {
  if (uuidPattern.test(text)) return { kind: 'event', eventId: text.toLowerCase() };
  const position = /^(\d+):(\d+)$/.exec(text);
  if (position !== null) return { kind: 'position', partition: Number(position[1]), offset: Number(position[2]) };
  throw new AppError('VALIDATION_FAILED', `expected an event id (a UUID) or a dead letter's partition:offset (e.g. 0:12), not "${text}"`);
}

export function refersTo(ref: DeadLetterRef, entry: DeadLetterEntry): boolean {
  return ref.kind === 'event' ? entry.eventId?.toLowerCase() === ref.eventId : entry.at.partition === ref.partition && entry.at.offset === ref.offset;
}

export interface CodeSummary {
  code: string;
  count: number;
  stages: string[];
}

/** How many dead letters per error code, most frequent first: the first thing an operator reads. */
export function summarizeByCode(entries: readonly DeadLetterEntry[]): CodeSummary[] {
  const byCode = new Map<string, { count: number; stages: Set<string> }>();
  for (const entry of entries) {
    const summary = byCode.get(entry.code) ?? { count: 0, stages: new Set<string>() };
    summary.count++;
    summary.stages.add(entry.stage);
    byCode.set(entry.code, summary);
  }
  return [...byCode]
    .map(([code, { count, stages }]) => ({ code, count, stages: [...stages].sort() }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

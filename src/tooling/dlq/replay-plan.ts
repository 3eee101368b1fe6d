import { replayHeaders } from '../../service/contract/headers.ts';
import type { DeadLetterEntry } from './dead-letter-entry.ts';
import { deadLetterRef } from './dead-letter-entry.ts';

/** What the replay log says of one earlier replay. */
export interface PastReplay {
  replayCount: number;
  replayedAt: Date;
}

export interface ReplayOptions {
  /** Replay dead letters already replayed once more (the inbox still keeps the effect single). */
  again: boolean;
  /** No event is replayed more often than this: a record that keeps failing stops coming back. */
  maxReplays: number;
}

export type ReplayDecision =
  | { action: 'replay'; entry: DeadLetterEntry; topic: string; count: number }
  | { action: 'skip'; entry: DeadLetterEntry; reason: string; fine: boolean };

/**
 * Decides, for the selected dead letters in their order on the dead-letter topic, which to replay
 * and in what order. Replays keep each key's original order: sorted by where each event was first
 * read (firstOriginal: a replay that failed again keeps its event's place; a key always sits on
 * one partition of a topic, so its offsets order it), stable otherwise.
 * A skip is `fine` when it needs nothing from the operator (already replayed).
 */
export function planReplay(entries: readonly DeadLetterEntry[], past: ReadonlyMap<string, readonly PastReplay[]>, options: ReplayOptions): ReplayDecision[] {
  const decisions = entries.map((entry): ReplayDecision => {
    if (entry.replayTopic === undefined)
      return { action: 'skip', entry, fine: false, reason: `stage "${entry.stage}" is not a stage of this pipeline: no input topic to replay it to` };
    const earlier = past.get(deadLetterRef(entry.at)) ?? [];
    if (earlier.length > 0 && !options.again) {
      const last = earlier[earlier.length - 1]!;
      return { action: 'skip', entry, fine: true, reason: `already replayed at ${last.replayedAt.toISOString()} (--again replays it once more)` };
    }
    const count = Math.max(entry.replayCount, ...earlier.map((replay) => replay.replayCount)) + 1;
    if (count > options.maxReplays)
      return {
        action: 'skip',
        entry,
        fine: false,
        reason: `replayed ${count - 1} time(s) already, the cap is --max-replays ${options.maxReplays}: fix the cause or raise the cap`,
      };
    return { action: 'replay', entry, topic: entry.replayTopic, count };
  });
  return inOriginalOrder(decisions);
}

/**
 * Within each original topic-partition the decisions are put in offset order, in the slots that
 * partition already held; a key always sits on one partition, so this orders every key.
 */
function inOriginalOrder(decisions: ReplayDecision[]): ReplayDecision[] {
  const origin = ({ entry }: ReplayDecision) => entry.firstOriginal ?? entry.original ?? entry.at;
  const slots = new Map<string, number[]>();
  decisions.forEach((decision, index) => {
    const { topic, partition } = origin(decision);
    const name = `${topic}:${partition}`;
    slots.set(name, [...(slots.get(name) ?? []), index]);
  });
  const ordered = [...decisions];
  for (const indexes of slots.values()) {
    const members = indexes.map((index) => decisions[index]!).sort((a, b) => origin(a).offset - origin(b).offset);
    indexes.forEach((slot, i) => {
      ordered[slot] = members[i]!;
    });
  }
  return ordered;
}

export interface ReplayMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** The record a replay produces: the original key, value and headers, plus which dead letter, when, and the how-manyth replay. */
export function buildReplayMessage(entry: DeadLetterEntry, count: number, at: Date): ReplayMessage {
  const replayNames = new Set<string>(Object.values(replayHeaders));
  const kept = Object.fromEntries(Object.entries(entry.originalHeaders).filter(([name]) => !replayNames.has(name)));
  return {
    key: entry.key,
    value: entry.value,
    headers: { ...kept, [replayHeaders.of]: deadLetterRef(entry.at), [replayHeaders.at]: at.toISOString(), [replayHeaders.count]: String(count) },
  };
}

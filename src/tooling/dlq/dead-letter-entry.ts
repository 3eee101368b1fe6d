import { readEnvelope } from '../../service/contract/envelope-reader.ts';
import { deadLetterHeaderPrefix, deadLetterHeaders, eventHeaders, replayHeaders } from '../../service/contract/headers.ts';
import { type StageSettings, stageOfDeadLetter } from '../../service/contract/stages.ts';
import type { TopicRecord } from '../../service/kafka/topic-reader.ts';

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: number;
}

/** One dead-letter record, decoded through the contract: what failed, where, why, and what to replay. */
export interface DeadLetterEntry {
  /** Where the dead letter itself sits; `partition:offset` names it on the command line. */
  at: RecordPosition & { timestamp: number };
  /** The dlq-stage label (route, notify). */
  stage: string;
  /** The topic a replay goes to: the input of the stage that failed; undefined for an unknown stage. */
  replayTopic: string | undefined;
  code: string;
  reason: string;
  attempts: number | undefined;
  failedAt: string | undefined;
  /** The consumed record that failed; undefined when its headers are missing. */
  original: (RecordPosition & { timestamp: number | undefined }) | undefined;
  /** The record key as it is on the wire (a CDC record's key is Debezium's JSON key). */
  key: string | null;
  /** The aggregate the event is about: what orders it, and what `--key` matches besides the raw key. */
  aggregateId: string | undefined;
  eventId: string | undefined;
  eventType: string | undefined;
  /** How many times this event had been replayed when it failed (0: it never was). */
  replayCount: number;
  /** The dead letter this record was a replay of, when it was one. */
  replayOf: string | undefined;
  /**
   * Where the event first failed: for a replay that failed again, the original record of the
   * first dead letter of its chain (found through replay-of), so replays keep the event's place
   * in its key's order; otherwise `original`. Set by originsResolved.
   */
  firstOriginal?: RecordPosition | undefined;
  /** The original record's own headers: the dlq- context removed, everything else byte for byte. */
  originalHeaders: Record<string, string>;
  value: string | null;
}

/** `topic:partition:offset`, the name the replay log and the replay-of header use for a dead letter. */
export function deadLetterRef(at: RecordPosition): string {
  return `${at.topic}:${at.partition}:${at.offset}`;
}

export function decodeDeadLetter(record: TopicRecord, stages: StageSettings): DeadLetterEntry {
  const h = record.headers;
  const stage = h[deadLetterHeaders.stage] ?? 'unknown';
  const envelope = readEnvelope(record.value);
  const originalTopic = h[deadLetterHeaders.originalTopic];
  const originalPartition = wholeNumber(h[deadLetterHeaders.originalPartition]);
  const originalOffset = wholeNumber(h[deadLetterHeaders.originalOffset]);
  return {
    at: { topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp },
    stage,
    replayTopic: stageOfDeadLetter(stages, stage)?.inputTopic,
    code: h[deadLetterHeaders.errorCode] ?? 'UNKNOWN',
    reason: h[deadLetterHeaders.errorMessage] ?? '',
    attempts: wholeNumber(h[deadLetterHeaders.attempts]),
    failedAt: h[deadLetterHeaders.failedAt],
    original:
      originalTopic === undefined || originalPartition === undefined || originalOffset === undefined
        ? undefined
        : { topic: originalTopic, partition: originalPartition, offset: originalOffset, timestamp: wholeNumber(h[deadLetterHeaders.originalTimestamp]) },
    key: record.key,
    aggregateId: h[eventHeaders.aggregateId] ?? envelope?.aggregateId ?? record.key ?? undefined,
    // A routed record names its event in a header; a CDC record only inside its envelope.
    eventId: h[eventHeaders.eventId] ?? envelope?.eventId,
    eventType: h[eventHeaders.eventType] ?? envelope?.eventType,
    replayCount: wholeNumber(h[replayHeaders.count]) ?? 0,
    replayOf: h[replayHeaders.of],
    originalHeaders: Object.fromEntries(Object.entries(h).filter(([name]) => !name.startsWith(deadLetterHeaderPrefix))),
    value: record.value,
  };
}

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/**
 * Follows each dead letter's replay-of chain back to the first dead letter among `entries` and
 * takes its original position; a chain that leaves `entries` (an older window) stops there.
 */
export function originsResolved<T extends DeadLetterEntry>(entries: readonly T[]): T[] {
  const byRef = new Map(entries.map((entry) => [deadLetterRef(entry.at), entry]));
  return entries.map((entry) => {
    let first: DeadLetterEntry = entry;
    const visited = new Set<string>();
    for (let earlier = lookup(first); earlier !== undefined && !visited.has(deadLetterRef(earlier.at)); earlier = lookup(first)) {
      visited.add(deadLetterRef(earlier.at));
      first = earlier;
    }
    return { ...entry, firstOriginal: first.original ?? entry.original };
  });

  function lookup(entry: DeadLetterEntry): DeadLetterEntry | undefined {
    const earlier = entry.replayOf === undefined ? undefined : byRef.get(entry.replayOf);
    // A replay goes back to the stage that failed, so a chain never changes stage; guard anyway.
    return earlier?.stage === entry.stage ? earlier : undefined;
  }
}

import type { Config } from '../../service/config.ts';
import type { Db } from '../../service/db/database.ts';
import { openTopicReader } from '../../service/kafka/topic-reader.ts';
import { type DeadLetterEntry, deadLetterRef, decodeDeadLetter, originsResolved } from './dead-letter-entry.ts';
import { type DeadLetterSelector, selects } from './dead-letter-selector.ts';
import { replaysOf } from './replay-log.ts';
import type { PastReplay } from './replay-plan.ts';

export interface ListedDeadLetter extends DeadLetterEntry {
  replays: PastReplay[];
}

const readTimeoutMs = 60_000;

/**
 * The dead letters the selector picks, in their order on the dead-letter topic, each with its
 * replay history. Reads the topic without joining a group (topic-reader.ts): listing changes
 * nothing any consumer sees.
 */
export async function readDeadLetters(config: Config, db: Db, selector: DeadLetterSelector): Promise<ListedDeadLetter[]> {
  const reader = await openTopicReader({
    brokers: config.KAFKA_BROKERS,
    topic: config.DLQ_TOPIC,
    from: selector.sinceMs === undefined ? 'beginning' : { timestamp: selector.sinceMs },
  });
  let records: Awaited<ReturnType<typeof reader.readToEnd>>;
  try {
    records = await reader.readToEnd(readTimeoutMs);
  } finally {
    await reader.close();
  }
  const entries = originsResolved(records.map((record) => decodeDeadLetter(record, config)))
    .filter((entry) => selects(selector, entry))
    .sort((a, b) => a.at.timestamp - b.at.timestamp || a.at.partition - b.at.partition || a.at.offset - b.at.offset);
  const replays = await replaysOf(
    db,
    entries.map((entry) => deadLetterRef(entry.at)),
  );
  return entries.map((entry) => ({
    ...entry,
    replays: (replays.get(deadLetterRef(entry.at)) ?? []).map((row) => ({ replayCount: row.replay_count, replayedAt: row.replayed_at })),
  }));
}

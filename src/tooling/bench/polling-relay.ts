import { setTimeout as delay } from 'node:timers/promises';
import { eventHeaders } from '../../service/contract/headers.ts';
import type { Db } from '../../service/db/database.ts';
import type { Producer } from '../../service/kafka/client.ts';
import { pollingTable, withPollingTable } from './polling-table.ts';

export interface PollingRelayOptions {
  db: Db;
  producer: Producer;
  topic: string;
  /** Pause after a poll that found less than a full batch; a full batch polls again at once. */
  intervalMs?: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
}

export interface PollingRelay {
  /** Rows published and deleted so far. */
  relayed: () => number;
  polls: () => number;
  stop: () => Promise<void>;
}

/**
 * The classic alternative to CDC, kept as the bench's yardstick: poll the outbox table, publish,
 * delete, all in one transaction. FOR UPDATE SKIP LOCKED lets several relays share a table
 * without publishing a row twice at once; the delete commits only after Kafka acknowledged, so a
 * crash republishes (at-least-once, like Debezium). Its latency floor is the poll interval, and
 * every poll is a query on the primary even when nothing happened: the two costs CDC avoids.
 */
export function startPollingRelay({ db, producer, topic, intervalMs = 100, batchSize = 1_000, onError }: PollingRelayOptions): PollingRelay {
  const tables = withPollingTable(db);
  let relayed = 0;
  let polls = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let published = 0;
      try {
        published = await tables.transaction().execute(async (trx) => {
          const rows = await trx.selectFrom(pollingTable).selectAll().orderBy('created_at').limit(batchSize).forUpdate().skipLocked().execute();
          if (rows.length === 0) return 0;
          await producer.send({
            topic,
            messages: rows.map((row) => ({
              key: row.aggregate_id,
              value: JSON.stringify({ ...row, created_at: row.created_at.toISOString() }),
              headers: { [eventHeaders.eventId]: row.id, [eventHeaders.eventType]: row.event_type },
            })),
          });
          await trx
            .deleteFrom(pollingTable)
            .where(
              'id',
              'in',
              rows.map((row) => row.id),
            )
            .execute();
          return rows.length;
        });
      } catch (error) {
        onError?.(error);
      }
      polls++;
      relayed += published;
      if (published < batchSize && !stopped) await delay(intervalMs);
    }
  })();
  return {
    relayed: () => relayed,
    polls: () => polls,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

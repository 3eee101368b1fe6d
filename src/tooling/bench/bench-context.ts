import type { Config } from '../../service/config.ts';
import type { Db } from '../../service/db/database.ts';
import type { Admin, Kafka } from '../../service/kafka/client.ts';
import type { TopicWatch } from './topic-watch.ts';

/** Connections of the bench's one pool. */
export const benchPoolMax = 20;
/**
 * The services' 3 s connect timeout turns a down database into a quick 503; the bench measures
 * rather than serves, and on a loaded machine forking a new backend for its pool can take longer
 * (CI saw "the database is unreachable" for 11 of 200 writes at load average 25).
 */
export const benchConnectTimeoutMs = 15_000;
/**
 * Paced database writes in flight at most: below the pool, with room for the watches. A write
 * that waits for a pooled connection past its connect timeout (a loaded machine) fails as
 * DATABASE_UNAVAILABLE and breaks the run; past this bound the writer falls behind its schedule
 * instead, which the achieved rate reports.
 */
export const databaseWritesInFlight = benchPoolMax - 4;

/** What every scenario shares: one database pool, one Kafka client, and the topic watches. */
export interface BenchContext {
  config: Config;
  db: Db;
  kafka: Kafka;
  admin: Admin;
  watches: {
    cdc: TopicWatch;
    routed: TopicWatch;
    dlq: TopicWatch;
    polling: TopicWatch;
  };
  /** Unique per bench run: in every email, so rows of a run can be found (and cleaned) afterwards. */
  tag: string;
  progress: (message: string) => void;
}

/** Dead-letter records seen so far; a scenario compares the count before and after itself. */
export function dlqCount(context: BenchContext): number {
  return context.watches.dlq.records();
}

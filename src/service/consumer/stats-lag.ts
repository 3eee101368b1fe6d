import { assignedLags, parseConsumerStats, type StatsPartition, type TopicPartitionRef } from '../kafka/consumer-stats.ts';
import type { PartitionLag } from '../kafka/partition-lag.ts';

/** What librdkafka hands the `stats_cb` of a consumer: the statistics JSON in `message`. */
export type StatsListener = (event: { message: string }) => void;

export interface StatsLag {
  listener: StatsListener;
  /** The lag of the assigned partitions the last statistics could tell (see consumer-stats.ts). */
  lags(assignment: readonly TopicPartitionRef[], positions?: ReadonlyMap<number, number>): PartitionLag[];
}

/**
 * Keeps a consumer's last statistics for the stall watch and the lag metrics, so the process
 * makes no admin request in its steady state (librdkafka's coordinator-bound admin requests can
 * abort the whole process when a broker is lost mid-request).
 */
export function createStatsLag(): StatsLag {
  let last: StatsPartition[] = [];
  return {
    listener: (event) => {
      try {
        last = parseConsumerStats(event.message);
      } catch {
        // A statistics line we cannot read keeps the previous one: the next arrives within the interval.
      }
    },
    lags: (assignment, positions) => assignedLags(last, assignment, positions),
  };
}

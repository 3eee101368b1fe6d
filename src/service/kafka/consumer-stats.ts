import type { PartitionLag } from './partition-lag.ts';

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** One partition as a consumer's librdkafka statistics describe it; `lag` undefined when it cannot be told. */
export interface StatsPartition extends PartitionLag {
  topic: string;
}

interface RawPartition {
  partition?: number;
  leader?: number;
  committed_offset?: number;
  next_offset?: number;
  hi_offset?: number;
  consumer_lag?: number;
}
interface RawStats {
  brokers?: Record<string, { nodeid?: number; state?: string }>;
  topics?: Record<string, { partitions?: Record<string, RawPartition> }>;
}

/**
 * The lag of each partition a consumer knows, from the statistics JSON librdkafka emits every
 * `statistics.interval.ms` (STATISTICS.md): what the group's own fetches and commits learnt, with
 * no request of its own. Left out: the unassigned-partition placeholder (-1), partitions whose
 * leader is not a broker this client has UP (their figures are frozen from before the outage,
 * which is not the group's stall), and partitions with no high watermark yet.
 *
 * Lag is librdkafka's `consumer_lag` (log end minus committed offset). When no commit is known
 * to this client (a group that never committed, or the projector, which assigns its stored
 * positions explicitly, before its first commit) it is the log end minus the fetch position:
 * the records not fetched yet, never a figure that grows while the group is idle.
 */
export function parseConsumerStats(json: string): StatsPartition[] {
  const stats = JSON.parse(json) as RawStats;
  const up = new Set<number>();
  for (const broker of Object.values(stats.brokers ?? {})) {
    if (broker.state === 'UP' && broker.nodeid !== undefined && broker.nodeid >= 0) up.add(broker.nodeid);
  }
  const found: StatsPartition[] = [];
  for (const [topic, entry] of Object.entries(stats.topics ?? {})) {
    for (const raw of Object.values(entry.partitions ?? {})) {
      const { partition = -1, leader = -1, hi_offset: high = -1, committed_offset: committed = -1 } = raw;
      if (partition < 0 || !up.has(leader) || high < 0) continue;
      const lag = (raw.consumer_lag ?? -1) >= 0 ? raw.consumer_lag! : (raw.next_offset ?? -1) >= 0 ? Math.max(0, high - raw.next_offset!) : undefined;
      if (lag === undefined) continue;
      found.push({ topic, partition, committed: committed >= 0 ? committed : null, high, lag });
    }
  }
  return found.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** The partitions of `assignment` whose lag the statistics tell; the others are left out. */
export function assignedLags(partitions: readonly StatsPartition[], assignment: readonly TopicPartitionRef[]): StatsPartition[] {
  const mine = new Set(assignment.map(({ topic, partition }) => `${topic}\u0000${partition}`));
  return partitions.filter(({ topic, partition }) => mine.has(`${topic}\u0000${partition}`));
}

/**
 * The stall watch's sample: records waiting on the assigned partitions whose lag is known;
 * undefined when partitions are assigned yet none is measurable (no statistics yet, or every
 * leader is down): an outage is no sample, not a stall.
 */
export function lagSample(assignedCount: number, known: readonly PartitionLag[]): number | undefined {
  if (assignedCount > 0 && known.length === 0) return undefined;
  return known.reduce((sum, p) => sum + p.lag, 0);
}

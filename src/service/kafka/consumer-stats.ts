import type { PartitionLag } from './partition-lag.ts';

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** One partition as a consumer's librdkafka statistics describe it. */
export interface StatsPartition {
  topic: string;
  partition: number;
  /** The group's committed offset as this client knows it (its own commits, or fetched on assignment); null if none. */
  committed: number | null;
  /** The log start, null until a fetch told it. */
  low: number | null;
  high: number;
}

interface RawPartition {
  partition?: number;
  leader?: number;
  committed_offset?: number;
  lo_offset?: number;
  hi_offset?: number;
}
interface RawStats {
  brokers?: Record<string, { nodeid?: number; state?: string }>;
  topics?: Record<string, { partitions?: Record<string, RawPartition> }>;
}

/**
 * The partitions a consumer knows, from the statistics JSON librdkafka emits every
 * `statistics.interval.ms` (STATISTICS.md): what the group's own fetches and commits learnt, with
 * no request of its own. Left out: the unassigned-partition placeholder (-1), partitions whose
 * leader is not a broker this client has UP (their figures are frozen from before the outage,
 * which is not the group's stall), and partitions with no high watermark yet.
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
      const { partition = -1, leader = -1, hi_offset: high = -1, committed_offset: committed = -1, lo_offset: low = -1 } = raw;
      if (partition < 0 || !up.has(leader) || high < 0) continue;
      found.push({ topic, partition, committed: committed >= 0 ? committed : null, low: low >= 0 ? low : null, high });
    }
  }
  return found.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/**
 * The lag of each partition of `assignment` the statistics can tell: log end minus the committed
 * offset. With no commit known to the client, minus `positions` (where the caller knows its own,
 * as the projector does: it assigns its stored positions, which librdkafka does not count as
 * committed), else minus the log start: everything still kept is a group's lag until it commits.
 */
export function assignedLags(
  partitions: readonly StatsPartition[],
  assignment: readonly TopicPartitionRef[],
  positions: ReadonlyMap<number, number> = new Map(),
): PartitionLag[] {
  const mine = new Set(assignment.map(({ topic, partition }) => `${topic}\u0000${partition}`));
  return partitions.flatMap(({ topic, partition, committed, low, high }) => {
    if (!mine.has(`${topic}\u0000${partition}`)) return [];
    const base = committed ?? positions.get(partition) ?? low;
    return base === null ? [] : [{ partition, committed, high, lag: Math.max(0, high - base) }];
  });
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

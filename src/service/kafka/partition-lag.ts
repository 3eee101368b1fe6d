import type { Admin } from './client.ts';

export interface PartitionLag {
  partition: number;
  /** null when the group never committed on this partition. */
  committed: number | null;
  high: number;
  lag: number;
}

/**
 * Records waiting for a group on each partition of a topic: log end minus committed offset, or
 * minus the log start when the group never committed there (everything still kept is its lag).
 */
export async function partitionLags(admin: Admin, groupId: string, topic: string, timeoutMs = 5_000): Promise<PartitionLag[]> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic], timeout: timeoutMs })]);
  const committedBy = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends
    .map(({ partition, high, low }) => {
      const offset = committedBy.get(partition);
      const known = offset !== undefined && offset >= 0 ? offset : null;
      return { partition, committed: known, high: Number(high), lag: Math.max(0, Number(high) - (known ?? Number(low))) };
    })
    .sort((a, b) => a.partition - b.partition);
}

export function totalLag(lags: readonly PartitionLag[]): number {
  return lags.reduce((sum, p) => sum + p.lag, 0);
}

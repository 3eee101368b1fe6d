import type { Admin } from '../kafka/client.ts';

export interface PartitionRef {
  topic: string;
  partition: number;
}

/**
 * Records waiting for a group on the partitions it is assigned here: log end minus committed
 * offset (minus the log start when nothing was committed yet). Other members' partitions are
 * not ours to watch.
 */
export async function assignedLag(admin: Admin, groupId: string, assignment: readonly PartitionRef[], timeoutMs = 5_000): Promise<number> {
  if (assignment.length === 0) return 0;
  let lag = 0;
  for (const topic of new Set(assignment.map((tp) => tp.topic))) {
    const mine = new Set(assignment.filter((tp) => tp.topic === topic).map((tp) => tp.partition));
    const [ends, committed] = await Promise.all([
      // Its own default timeout is 5 s.
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic], timeout: timeoutMs }),
    ]);
    const committedByPartition = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    for (const { partition, high, low } of ends) {
      if (!mine.has(partition)) continue;
      const position = committedByPartition.get(partition) ?? -1;
      lag += Math.max(0, Number(high) - (position >= 0 ? position : Number(low)));
    }
  }
  return lag;
}

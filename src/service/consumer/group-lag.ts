import type { Admin } from '../kafka/client.ts';
import { partitionLags } from '../kafka/partition-lag.ts';

export interface PartitionRef {
  topic: string;
  partition: number;
}

/** Records waiting for a group on the partitions it is assigned here; other members' are not ours to watch. */
export async function assignedLag(admin: Admin, groupId: string, assignment: readonly PartitionRef[], timeoutMs = 5_000): Promise<number> {
  let lag = 0;
  for (const topic of new Set(assignment.map((tp) => tp.topic))) {
    const mine = new Set(assignment.filter((tp) => tp.topic === topic).map((tp) => tp.partition));
    for (const partition of await partitionLags(admin, groupId, topic, timeoutMs)) if (mine.has(partition.partition)) lag += partition.lag;
  }
  return lag;
}

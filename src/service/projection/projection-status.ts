import type { Db } from '../db/database.ts';
import type { Admin } from '../kafka/client.ts';
import { readPositions } from './apply-registrations.ts';
import { schemaExists } from './projection-schema.ts';
import { shadowSchemaOf } from './rebuild-registrations.ts';
import { type ProjectionFreshness, projectionFreshness } from './registration-stats.ts';

export interface PartitionPosition {
  partition: number;
  /** Next offset the projection reads; 0 before its first record. */
  position: number;
  /** The topic's end (high watermark) and oldest offset still kept (low watermark). */
  end: number;
  oldest: number;
  lag: number;
}

export interface ProjectionStatus {
  name: 'registrations';
  schema: string;
  topic: string;
  partitions: PartitionPosition[];
  lag: number;
  freshness: ProjectionFreshness;
  /** A rebuild's shadow left by a run in progress or interrupted (rerun to resume it), with its progress. */
  rebuild: { schema: string; partitions: PartitionPosition[]; lag: number } | null;
}

/** Each projection's position against its topic's end, as stored in PostgreSQL with its content. */
export async function projectionStatus(db: Db, admin: Admin, { schema, topic }: { schema: string; topic: string }): Promise<ProjectionStatus> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const against = (stored: ReadonlyMap<number, number>): PartitionPosition[] =>
    offsets
      .map(({ partition, low, high }) => {
        const position = stored.get(partition) ?? 0;
        return { partition, position, end: Number(high), oldest: Number(low), lag: Math.max(0, Number(high) - position) };
      })
      .sort((a, b) => a.partition - b.partition);
  const partitions = against(await readPositions(db, schema, topic));
  const shadow = shadowSchemaOf(schema);
  const rebuilding = (await schemaExists(db, shadow)) ? against(await readPositions(db, shadow, topic)) : null;
  return {
    name: 'registrations',
    schema,
    topic,
    partitions,
    lag: partitions.reduce((sum, p) => sum + p.lag, 0),
    freshness: await projectionFreshness(db, schema),
    rebuild: rebuilding === null ? null : { schema: shadow, partitions: rebuilding, lag: rebuilding.reduce((sum, p) => sum + p.lag, 0) },
  };
}

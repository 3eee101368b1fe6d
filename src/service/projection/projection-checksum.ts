import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/**
 * A digest of a projection's content (the counts, and the directory with each user's current email
 * and its version; not the positions): two projections with the same checksum answer every query alike.
 */
export async function projectionChecksum(db: Db, schema: string): Promise<string> {
  const { rows } = await sql<{ checksum: string }>`
    select md5(
      coalesce((select string_agg(concat_ws('|', day, domain, registrations), ',' order by day, domain) from ${sql.id(schema, 'registrations_daily')}), '')
      || '#' ||
      coalesce((select string_agg(concat_ws('|', user_id, email, registered_at, event_id, version, email_changed_at), ',' order by user_id) from ${sql.id(schema, 'registered_users')}), '')
    ) as checksum`.execute(db);
  return rows[0]!.checksum;
}

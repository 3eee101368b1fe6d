import type { Db } from '../../service/db/database.ts';
import { batchRanges } from './rate-schedule.ts';

/**
 * Removes a scenario's rows once it passed its loss check: 100,000 users per full run would
 * otherwise pile up. A run with loss keeps its rows, so `cli trace <id>` can explain them.
 * Deleting is invisible to the relay: the publication carries inserts only.
 */
export async function removeBenchRows(db: Db, userIds: readonly string[]): Promise<void> {
  for (const [from, to] of batchRanges(userIds.length, 5_000)) {
    const chunk = userIds.slice(from, to);
    await db.deleteFrom('outbox_events').where('aggregate_id', 'in', chunk).execute();
    // notifications go with their user (on delete cascade)
    await db.deleteFrom('users').where('id', 'in', chunk).execute();
  }
}

import { setTimeout as delay } from 'node:timers/promises';
import type { Db } from '../../service/db/database.ts';

/**
 * Polls the database until every user's welcome notification is SENT, and returns sent_at per
 * user id. sent_at is PostgreSQL's now() inside the notifier's transaction (its start), stamped
 * by the consumer, so the poll interval here changes how soon the wait ends, never the latency.
 */
export async function waitForSent(
  db: Db,
  userIds: readonly string[],
  {
    timeoutMs,
    pollMs = 250,
    onProgress,
    guard,
  }: { timeoutMs: number; pollMs?: number; onProgress?: (sent: number) => void /** Throws to end the wait (dead-letter-stop.ts). */; guard?: () => void },
): Promise<Map<string, number>> {
  const sentAt = new Map<string, number>();
  let pending = [...userIds];
  const deadline = Date.now() + timeoutMs;
  let lastReport = Date.now();
  while (pending.length > 0) {
    // Chunks keep each array parameter small when 100,000 events are outstanding.
    for (let start = 0; start < pending.length; start += 10_000) {
      const rows = await db
        .selectFrom('notifications')
        .select(['user_id', 'sent_at'])
        .where('user_id', 'in', pending.slice(start, start + 10_000))
        .where('status', '=', 'SENT')
        .execute();
      for (const row of rows) if (row.sent_at !== null) sentAt.set(row.user_id, row.sent_at.getTime());
    }
    pending = pending.filter((id) => !sentAt.has(id));
    if (pending.length === 0 || Date.now() >= deadline) break;
    guard?.();
    if (onProgress !== undefined && Date.now() - lastReport >= 2_000) {
      lastReport = Date.now();
      onProgress(sentAt.size);
    }
    await delay(pollMs);
  }
  return sentAt;
}

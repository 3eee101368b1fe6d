import { setTimeout as delay } from 'node:timers/promises';
import type { Db } from '../../service/db/database.ts';

/**
 * When two pipelines deliver the same events (the connector variant), notifications.sent_at holds
 * whichever notifier wrote last. Each notifier's own inbox row does not: processed_at is now() of
 * that notifier's transaction, the same instant it writes into sent_at. Returns it per user id.
 */
export async function waitForInbox(
  db: Db,
  handler: string,
  eventIdOfUser: ReadonlyMap<string, string>,
  { timeoutMs, pollMs = 250, guard }: { timeoutMs: number; pollMs?: number /** Throws to end the wait (dead-letter-stop.ts). */; guard?: () => void },
): Promise<Map<string, number>> {
  const userOfEvent = new Map([...eventIdOfUser].map(([user, event]) => [event, user]));
  const processed = new Map<string, number>();
  let pending = [...userOfEvent.keys()];
  const deadline = Date.now() + timeoutMs;
  while (pending.length > 0) {
    for (let start = 0; start < pending.length; start += 10_000) {
      const rows = await db
        .selectFrom('inbox')
        .select(['event_id', 'processed_at'])
        .where('handler', '=', handler)
        .where('event_id', 'in', pending.slice(start, start + 10_000))
        .execute();
      for (const row of rows) processed.set(userOfEvent.get(row.event_id)!, row.processed_at.getTime());
    }
    pending = pending.filter((event) => !processed.has(userOfEvent.get(event)!));
    if (pending.length === 0 || Date.now() >= deadline) break;
    guard?.();
    await delay(pollMs);
  }
  return processed;
}

import type { Config } from '../config.ts';
import { parseDuration } from '../duration.ts';

const dayMs = 86_400_000;

/**
 * How long inbox rows are kept when INBOX_RETENTION is unset: as long as an event can come back,
 * plus a day. It comes back from Kafka (a redelivery, a dead letter replayed) while its topics keep
 * it, and from Debezium as long as its outbox row exists (a re-snapshot after a lost slot publishes
 * every row still in the outbox table): so the longer of the two.
 */
export function inboxRetentionMs(config: Pick<Config, 'INBOX_RETENTION' | 'OUTBOX_RETENTION' | 'TOPIC_RETENTION'>): number {
  if (config.INBOX_RETENTION !== undefined) return parseDuration(config.INBOX_RETENTION)!;
  return Math.max(parseDuration(config.TOPIC_RETENTION)!, parseDuration(config.OUTBOX_RETENTION)!) + dayMs;
}

export function outboxRetentionMs(config: Pick<Config, 'OUTBOX_RETENTION'>): number {
  return parseDuration(config.OUTBOX_RETENTION)!;
}

/**
 * Whether an event is older than the inbox keeps its rows, so that its inbox row may have been
 * purged: only then is the notification's own SENT status asked (see alreadySent). Within the
 * window the inbox alone decides, per handler, as before.
 */
export function outlivesInbox(registeredAt: string, inboxWindowMs: number, nowMs = Date.now()): boolean {
  const at = Date.parse(registeredAt);
  return Number.isFinite(at) && nowMs - at > inboxWindowMs;
}

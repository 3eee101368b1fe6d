import type { BenchPlan } from './bench-plan.ts';

/** How each number was taken, written into every report so a reader never has to guess. */
export function methodNotes(plan: BenchPlan, pollingTopic: string): string[] {
  return [
    'Commit clock: Date.now() in the bench process the moment the kysely transaction (COMMIT) resolved. created_at is not used: it is the transaction START time (now()) and would add the insert time.',
    'Every hop is joined on the aggregate (user) id: the CDC record key, the routed record key, notifications.user_id.',
    "Topic arrival: when the bench's own reader (partitions assigned from the high watermark at start, no group, no commits) got the record from librdkafka. Record timestamp: the Kafka CreateTime set by the producer (Connect for the dbz topic). Both on this machine's wall clock.",
    "SENT: notifications.sent_at, which is PostgreSQL now() inside the notifier's transaction (its start, before the inbox insert and the send).",
    'With --connector-variant, a second pipeline (temporary connector with the overrides, its own slot, topics, consumer groups and inbox handler) carries the same events; both notifiers then write sent_at, so SENT of each pipeline is read from its own inbox row (processed_at: the same now() its transaction writes into sent_at).',
    'Latency writes are open loop: write i starts at i/rate whatever happened before, each registration in its own transaction (user, PENDING notification, outbox event via writeOutboxEvent); no HTTP, no password hashing.',
    `Polling relay: runs inside the bench process; reads outbox_events_polling (same shape as outbox_events, NOT in outbox_publication, so Debezium never sees it) with SELECT ... ORDER BY created_at LIMIT ${plan.pollingBatchSize} FOR UPDATE SKIP LOCKED, publishes to ${pollingTopic} (acks=all, linger 5 ms), DELETEs, COMMITs; polls again at once after a full batch, otherwise waits ${plan.pollingIntervalMs} ms. Its latency writes carry only the outbox row: nothing consumes them further.`,
    `Throughput: N registrations inserted as multi-row INSERT batches (users, notifications, outbox_events in one transaction per batch, ${plan.insertConcurrency} batches in flight). A stage's events/s is sustained: events over the span from its first to its last completion; "first insert -> all routed" includes the fill time.`,
    'HTTP: the real app (createApp) served in the bench process on an ephemeral port, the configured password hashing (PASSWORD_HASH and its cost), without the hashing queue or the rate limit; offered load is a share of the hash rate measured just before. Hops start at the request or at the 201, since the server does not expose its commit time.',
    `Write overhead: the same statements as register-user.ts without writeOutboxEvent, with it, and with the outbox row in a same-shape unpublished table (the insert alone); first open loop at ${plan.overhead.ratePerSecond}/s, then a closed loop of ${plan.overhead.concurrency} clients; alternating rounds, waiting for SENT after each live round; only the transaction is timed, no password hashing (it runs before the transaction). The live variant also pays for the WAL decoding, Debezium and consumer work its events cause on the same two cores.`,
    'Zero loss: each run checks every event reached each end point (topic records, SENT rows) and none of its events appeared on the dead-letter topic; dead letters of other events are counted, not blamed.',
    "Everything shares the machine's cores: PostgreSQL, Kafka, Connect (Debezium), the kafka-consumer and the bench itself.",
  ];
}

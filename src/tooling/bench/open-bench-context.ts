import type { Config } from '../../service/config.ts';
import { createDatabase } from '../../service/db/database.ts';
import { createKafka } from '../../service/kafka/client.ts';
import { ensureTopics } from '../../service/kafka/topics.ts';
import { type BenchContext, benchConnectTimeoutMs, benchPoolMax } from './bench-context.ts';
import { correlateByKey, correlateCdcRecord, correlateDeadLetter } from './correlate.ts';
import { type TopicWatch, watchTopics } from './topic-watch.ts';

/**
 * A bench context on one stack: its database pool, a Kafka client and admin on its brokers, and
 * the watches of its topics (from their current end). The topologies scenario opens a second one
 * on the cluster it starts; close() releases everything, in reverse order.
 */
export async function openBenchContext(
  config: Config,
  { tag, progress, pollingTopic, clientId = 'outbox-bench' }: { tag: string; progress: (message: string) => void; pollingTopic: string; clientId?: string },
): Promise<{ context: BenchContext; close: () => Promise<void> }> {
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: benchPoolMax, connectionTimeoutMs: benchConnectTimeoutMs });
  const kafka = createKafka(config, { clientId });
  const admin = kafka.admin();
  const closers: Array<() => Promise<void>> = [() => db.destroy()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {});
  };
  try {
    await admin.connect();
    closers.push(() => admin.disconnect());
    await ensureTopics(admin, [{ topic: pollingTopic, numPartitions: config.TOPIC_PARTITIONS }]);
    const watched = await watchTopics(config.KAFKA_BROKERS, [
      { topic: config.CDC_TOPIC, correlate: correlateCdcRecord },
      { topic: config.USER_REGISTRATION_TOPIC, correlate: correlateByKey },
      { topic: config.DLQ_TOPIC, correlate: correlateDeadLetter },
      { topic: pollingTopic, correlate: correlateByKey },
    ]);
    closers.push(() => watched.close());
    const [cdc, routed, dlq, polling] = watched.watches as [TopicWatch, TopicWatch, TopicWatch, TopicWatch];
    return { context: { config, db, kafka, admin, watches: { cdc, routed, dlq, polling }, tag, progress }, close };
  } catch (error) {
    await close();
    throw error;
  }
}

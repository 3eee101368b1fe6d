import type { Config } from '../config.ts';
import { pipelineTopics, replayedTopics, type StageSettings } from '../contract/stages.ts';
import { AppError } from '../errors.ts';
import { waitFor } from '../wait-for.ts';
import type { Admin } from './client.ts';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Topic-level settings given at creation only; an existing topic keeps its own. */
  configEntries?: Array<{ name: string; value: string }>;
}

/**
 * Never delete by age or size: a projection rebuild replays these topics from their first record
 * (README, "The read side"). On a real cluster set the same on the topic, or use tiered storage.
 */
export const keepHistory = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
];

/**
 * The topics the application reads and writes, all with TOPIC_PARTITIONS partitions. The CDC topic
 * is created here too, before the connector starts: created by Connect it would get one partition,
 * and every aggregate would share it.
 */
export function applicationTopics(config: StageSettings & Pick<Config, 'TOPIC_PARTITIONS'>): TopicSpec[] {
  const replayed = new Set(replayedTopics(config));
  return pipelineTopics(config).map((topic) => ({
    topic,
    numPartitions: config.TOPIC_PARTITIONS,
    ...(replayed.has(topic) ? { configEntries: keepHistory } : {}),
  }));
}

export interface TopicReport {
  topic: string;
  partitions: number;
  created: boolean;
}

/**
 * Creates the topics that are missing and reports the partition count of each. An existing topic
 * with fewer partitions than asked is left alone and reported: adding partitions later moves keys
 * to other partitions and breaks the per-aggregate order of everything already written.
 */
export async function ensureTopics(admin: Admin, specs: readonly TopicSpec[], { timeoutMs = 30_000 } = {}): Promise<TopicReport[]> {
  const existing = new Set(await admin.listTopics({ timeout: timeoutMs }));
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      timeout: timeoutMs,
      topics: missing.map(({ topic, numPartitions, configEntries }) => ({ topic, numPartitions, replicationFactor: -1, configEntries })),
    });
  }
  const metadata = await describeTopicsOnceVisible(
    admin,
    specs.map((spec) => spec.topic),
    timeoutMs,
  );
  return specs.map((spec) => ({ topic: spec.topic, partitions: metadata.get(spec.topic) ?? 0, created: missing.includes(spec) }));
}

export async function describeTopics(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<Map<string, number>> {
  if (topics.length === 0) return new Map();
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics], timeout: timeoutMs });
  return new Map(metadata.map((topic) => [topic.name, topic.partitions.length]));
}

/**
 * A topic just created is not in the metadata of every broker at once; asking right away answers
 * "unknown topic". Retry until it is visible instead of failing a fresh `stack up`.
 */
function describeTopicsOnceVisible(admin: Admin, topics: readonly string[], timeoutMs: number): Promise<Map<string, number>> {
  return waitFor(() => describeTopics(admin, topics, timeoutMs), { what: `topics ${topics.join(', ')} visible in the metadata`, timeoutMs, intervalMs: 250 });
}

/** Runs `use` with a connected admin client, turning a broker that does not answer into KAFKA_UNAVAILABLE. */
export async function withAdmin<T>(createAdmin: () => Admin, brokers: string, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createAdmin();
  try {
    await admin.connect();
  } catch (error) {
    throw new AppError('KAFKA_UNAVAILABLE', `Kafka is unreachable at ${brokers}: start it with \`make up\` or set KAFKA_BROKERS`, { cause: error });
  }
  try {
    return await use(admin);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('KAFKA_UNAVAILABLE', `Kafka admin request failed at ${brokers}: ${(error as Error).message}`, { cause: error });
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

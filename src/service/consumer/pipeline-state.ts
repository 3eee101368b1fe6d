import type { ConnectClient, ConnectorStatus } from '../cdc/connect-client.ts';
import { type SlotStatus, slotStatus } from '../cdc/replication-slot.ts';
import type { ResolvedStage } from '../contract/stages.ts';
import type { PartitionLag } from '../kafka/partition-lag.ts';

/** One reading of the parts around the consumer; a part that did not answer is `undefined`. */
export interface PipelineState {
  /** undefined: PostgreSQL did not answer; null: it answered and the slot does not exist. */
  slot: SlotStatus | null | undefined;
  /** undefined: Kafka Connect did not answer; null: the connector is not registered. */
  connector: ConnectorStatus | null | undefined;
  /** undefined: Kafka did not answer. */
  kafka: KafkaState | undefined;
}

export interface KafkaState {
  deadLetterDepth: number;
  /** Per stage, the partitions this process is assigned and whose lag it knows; other instances report theirs. */
  lags: Array<{ stage: ResolvedStage; partitions: PartitionLag[] }>;
}

export interface PipelineStateSources {
  databaseUrl: string;
  slotName: string;
  connect: ConnectClient;
  connectorName: string;
  /** Kafka's part, read without the admin API (see run-kafka-consumer.ts); rejects when Kafka does not answer. */
  kafka: () => Promise<KafkaState>;
}

/** Asks PostgreSQL, Kafka Connect and Kafka at once; a failure of one leaves the others standing. */
export async function readPipelineState(sources: PipelineStateSources): Promise<PipelineState> {
  const { databaseUrl, slotName, connect, connectorName, kafka: readKafka } = sources;
  const [slot, connector, kafka] = await Promise.all([
    slotStatus(databaseUrl, slotName).then(
      (found) => found ?? null,
      () => undefined,
    ),
    connect.getStatus(connectorName).then(
      (status) => status ?? null,
      () => undefined,
    ),
    readKafka().catch(() => undefined),
  ]);
  return { slot, connector, kafka };
}

import type { ConnectClient, ConnectorStatus } from '../cdc/connect-client.ts';
import { type SlotStatus, slotStatus } from '../cdc/replication-slot.ts';
import type { ResolvedStage } from '../contract/stages.ts';
import type { Admin } from '../kafka/client.ts';
import { type PartitionLag, partitionLags } from '../kafka/partition-lag.ts';

/** One reading of the parts around the consumer; a part that did not answer is `undefined`. */
export interface PipelineState {
  /** undefined: PostgreSQL did not answer; null: it answered and the slot does not exist. */
  slot: SlotStatus | null | undefined;
  /** undefined: Kafka Connect did not answer; null: the connector is not registered. */
  connector: ConnectorStatus | null | undefined;
  /** undefined: Kafka did not answer. */
  kafka: { deadLetterDepth: number; lags: Array<{ stage: ResolvedStage; partitions: PartitionLag[] }> } | undefined;
}

export interface PipelineStateSources {
  databaseUrl: string;
  slotName: string;
  connect: ConnectClient;
  connectorName: string;
  admin: Admin;
  stages: readonly ResolvedStage[];
  deadLetterTopic: string;
}

/** Asks PostgreSQL, Kafka Connect and Kafka at once; a failure of one leaves the others standing. */
export async function readPipelineState(sources: PipelineStateSources): Promise<PipelineState> {
  const { databaseUrl, slotName, connect, connectorName, admin, stages, deadLetterTopic } = sources;
  const [slot, connector, kafka] = await Promise.all([
    slotStatus(databaseUrl, slotName).then(
      (found) => found ?? null,
      () => undefined,
    ),
    connect.getStatus(connectorName).then(
      (status) => status ?? null,
      () => undefined,
    ),
    (async () => {
      const [offsets, lags] = await Promise.all([
        admin.fetchTopicOffsets(deadLetterTopic),
        Promise.all(stages.map(async (stage) => ({ stage, partitions: await partitionLags(admin, stage.groupId, stage.inputTopic) }))),
      ]);
      return { deadLetterDepth: offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0), lags };
    })().catch(() => undefined),
  ]);
  return { slot, connector, kafka };
}

import { sql } from 'kysely';
import type { ConnectClient } from '../../service/cdc/connect-client.ts';
import { databaseSlots, type SlotStatus } from '../../service/cdc/replication-slot.ts';
import type { Config } from '../../service/config.ts';
import { resolveStages } from '../../service/contract/stages.ts';
import type { Db } from '../../service/db/database.ts';
import { type Admin, createKafka } from '../../service/kafka/client.ts';
import { partitionLags } from '../../service/kafka/partition-lag.ts';
import { withAdmin } from '../../service/kafka/topics.ts';
import type { PipelineSnapshot, SlotSnapshot } from './pipeline-status.ts';

export interface StatusDeps {
  db: Db;
  config: Config;
  connect: ConnectClient;
  connectorName: string;
  slotName: string;
}

/** Asks every part at once; a part that does not answer is reported with its error, not thrown. */
export async function gatherStatus({ db, config, connect, connectorName, slotName }: StatusDeps): Promise<PipelineSnapshot> {
  const [database, connector, slots, kafkaParts] = await Promise.all([
    sql`select 1`.execute(db).then(
      () => ({ reachable: true }),
      (error: Error) => ({ reachable: false, error: error.message }),
    ),
    connect.getStatus(connectorName).then(
      (status) =>
        status === undefined
          ? { name: connectorName, error: 'not registered (make up, or cli connector register)' }
          : { name: connectorName, state: status.connector.state, tasks: status.tasks },
      (error: Error) => ({ name: connectorName, error: error.message }),
    ),
    databaseSlots(config.DATABASE_URL).then(
      (found) => ({ found }),
      (error: Error) => ({ error: error.message }),
    ),
    withAdmin(
      () => createKafka(config).admin(),
      config.KAFKA_BROKERS,
      (admin) => kafkaStatus(admin, config),
    ).catch((error: Error) => ({
      groups: resolveStages(config).map((stage) => ({ groupId: stage.groupId, topic: stage.inputTopic, error: error.message })),
      deadLetter: { topic: config.DLQ_TOPIC, error: error.message },
    })),
  ]);
  if ('error' in slots) return { database, connector, slot: { name: slotName, error: slots.error }, otherSlots: [], ...kafkaParts };
  const own = slots.found.find((s) => s.slotName === slotName);
  const slot = own === undefined ? { name: slotName, error: 'does not exist: the connector has not started yet' } : describeSlot(own);
  return { database, connector, slot, otherSlots: slots.found.filter((s) => s !== own).map(describeSlot), ...kafkaParts };
}

function describeSlot({ slotName, active, retainedBytes, walStatus, safeWalBytes }: SlotStatus): SlotSnapshot {
  return { name: slotName, active, retainedBytes, walStatus, safeWalBytes };
}

async function kafkaStatus(admin: Admin, config: Config): Promise<Pick<PipelineSnapshot, 'groups' | 'deadLetter'>> {
  const groups = await Promise.all(
    resolveStages(config).map(async ({ groupId, inputTopic }) => ({ groupId, topic: inputTopic, partitions: await partitionLags(admin, groupId, inputTopic) })),
  );
  const dlq = await admin.fetchTopicOffsets(config.DLQ_TOPIC);
  return { groups, deadLetter: { topic: config.DLQ_TOPIC, depth: dlq.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0) } };
}

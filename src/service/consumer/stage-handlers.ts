import type { Config } from '../config.ts';
import type { StageName } from '../contract/stages.ts';
import type { Db } from '../db/database.ts';
import type { Producer } from '../kafka/client.ts';
import type { Logger } from '../logger.ts';
import type { NotificationSender } from '../notifications/notification-sender.ts';
import { inboxRetentionMs } from '../retention/retention-settings.ts';
import type { SourceRecord } from './dead-letter.ts';
import type { RecordFacts } from './group-observer.ts';
import { createNotifyHandler, notifierBatchConcurrency } from './notify-record.ts';
import { cdcRecordFacts, routedRecordFacts } from './record-facts.ts';
import type { RecordHandler } from './record-pipeline.ts';
import { createRouteHandler } from './route-record.ts';

/** What a stage's handler may use; the database is opened only when a stage asks for it. */
export interface StageResources {
  config: Config;
  producer: Producer;
  database: () => Db;
  sender: NotificationSender;
  logger: Logger;
}

/** A stage run by the record pipeline (consumer-group.ts): offsets committed to Kafka behind the handled records. */
export interface RecordStageBinding {
  kind: 'records';
  handle: RecordHandler;
  /** What metrics and traces need of a record (event type, commit time, trace context). */
  describe: (record: SourceRecord) => RecordFacts;
  /** The outcome that is this stage's effect: commit -> effect is its freshness. */
  effect: string;
  /** Fewer records in flight than MAX_IN_FLIGHT, when the handler's resource is smaller. */
  maxInFlight?: number;
}

/** A stage that keeps its own position in PostgreSQL (run-projector.ts). */
export interface ProjectionStageBinding {
  kind: 'projection';
  schema: string;
}

export type StageBinding = RecordStageBinding | ProjectionStageBinding;

/** The handler of each stage of contract/stages.ts; the compiler insists that every stage has one. */
export const stageHandlers: Record<StageName, (resources: StageResources) => StageBinding> = {
  router: ({ producer, config }) => ({ kind: 'records', handle: createRouteHandler(producer, config), describe: cdcRecordFacts, effect: 'routed' }),
  notifier: ({ database, sender, config, logger }) => ({
    kind: 'records',
    handle: createNotifyHandler(database(), sender, {
      inboxHandler: config.NOTIFIER_INBOX_HANDLER,
      batchMax: config.NOTIFIER_BATCH_MAX,
      maxTransactions: config.DATABASE_POOL_MAX,
      inboxWindowMs: inboxRetentionMs(config),
      logger,
    }),
    describe: routedRecordFacts,
    effect: 'sent',
    // Enough records in flight to fill the batches; one record per transaction (NOTIFIER_BATCH_MAX=1)
    // needs no more than the pool has connections.
    maxInFlight: Math.min(
      config.MAX_IN_FLIGHT,
      config.NOTIFIER_BATCH_MAX === 1 ? config.DATABASE_POOL_MAX : config.NOTIFIER_BATCH_MAX * notifierBatchConcurrency,
    ),
  }),
  projector: ({ config }) => ({ kind: 'projection', schema: config.PROJECTION_SCHEMA }),
};

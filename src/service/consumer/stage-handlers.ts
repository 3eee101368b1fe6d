import type { Config } from '../config.ts';
import type { StageName } from '../contract/stages.ts';
import type { Db } from '../db/database.ts';
import type { Producer } from '../kafka/client.ts';
import type { NotificationSender } from '../notifications/notification-sender.ts';
import type { SourceRecord } from './dead-letter.ts';
import type { RecordFacts } from './group-observer.ts';
import { createNotifyHandler } from './notify-record.ts';
import { cdcRecordFacts, routedRecordFacts } from './record-facts.ts';
import type { RecordHandler } from './record-pipeline.ts';
import { createRouteHandler } from './route-record.ts';

/** What a stage's handler may use; the database is opened only when a stage asks for it. */
export interface StageResources {
  config: Config;
  producer: Producer;
  database: () => Db;
  sender: NotificationSender;
}

export interface StageBinding {
  handle: RecordHandler;
  /** What metrics and traces need of a record (event type, commit time, trace context). */
  describe: (record: SourceRecord) => RecordFacts;
  /** The outcome that is this stage's effect: commit -> effect is its freshness. */
  effect: string;
  /** Fewer records in flight than MAX_IN_FLIGHT, when the handler's resource is smaller. */
  maxInFlight?: number;
}

/** The handler of each stage of contract/stages.ts; the compiler insists that every stage has one. */
export const stageHandlers: Record<StageName, (resources: StageResources) => StageBinding> = {
  router: ({ producer, config }) => ({ handle: createRouteHandler(producer, config), describe: cdcRecordFacts, effect: 'routed' }),
  notifier: ({ database, sender, config }) => ({
    handle: createNotifyHandler(database(), sender, config.NOTIFIER_INBOX_HANDLER),
    describe: routedRecordFacts,
    effect: 'sent',
    // Each record in flight holds one transaction: more than the pool has connections would only
    // queue on the pool, and a wait past its connect timeout reads as DATABASE_UNAVAILABLE,
    // retried and, under a large enough backlog, dead-lettered although nothing is wrong.
    maxInFlight: Math.min(config.MAX_IN_FLIGHT, config.DATABASE_POOL_MAX),
  }),
};

import type { z } from 'zod';
import { userAggregateType, userRegisteredPayload } from '../users/user-events.ts';

/** The topic settings an event may be routed to; their values come from the config. */
export type TopicSetting = 'USER_REGISTRATION_TOPIC';

export interface EventDefinition<Payload extends z.ZodType = z.ZodType> {
  aggregateType: string;
  payload: Payload;
  /** Where the router sends it. The raw event_type column is never used as a topic name. */
  topic: TopicSetting;
}

/** Every event the outbox may carry. Adding an event type starts here (see the README). */
export const eventCatalog = {
  UserRegistered: { aggregateType: userAggregateType, payload: userRegisteredPayload, topic: 'USER_REGISTRATION_TOPIC' },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof eventCatalog;
export type EventPayload<T extends EventType> = z.infer<(typeof eventCatalog)[T]['payload']>;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventCatalog, value);
}

export function topicOf(eventType: EventType, topics: Readonly<Record<TopicSetting, string>>): string {
  return topics[eventCatalog[eventType].topic];
}

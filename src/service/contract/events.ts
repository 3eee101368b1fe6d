import { z } from 'zod';
import type { Config } from '../config.ts';

/**
 * What the welcome notification needs and nothing secret: no password, no hash. A test asserts
 * that the stored payload carries neither.
 */
export const userRegisteredPayload = z.strictObject({
  userId: z.uuid(),
  email: z.email(),
  notificationId: z.uuid(),
  registeredAt: z.iso.datetime({ offset: true }),
});

export type UserRegisteredPayload = z.infer<typeof userRegisteredPayload>;

/** The settings naming the topics events are routed to; their values come from the config. */
export type RoutedTopicSetting = 'USER_REGISTRATION_TOPIC';

export interface EventDefinition<Payload extends z.ZodType = z.ZodType> {
  aggregateType: string;
  payload: Payload;
  /** Where the router sends it. The raw event_type column is never used as a topic name. */
  topic: RoutedTopicSetting;
}

/**
 * Every event the outbox may carry: the writer validates against it, the router routes by it, the
 * handlers parse with it. Adding an event type starts here (see the README).
 */
export const eventCatalog = {
  UserRegistered: { aggregateType: 'User', payload: userRegisteredPayload, topic: 'USER_REGISTRATION_TOPIC' },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof eventCatalog;
export type EventPayload<T extends EventType> = z.infer<(typeof eventCatalog)[T]['payload']>;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventCatalog, value);
}

export function topicOf(eventType: EventType, topics: Pick<Config, RoutedTopicSetting>): string {
  return topics[eventCatalog[eventType].topic];
}

/** Every topic some event is routed to, once each. */
export function routedTopicSettings(): RoutedTopicSetting[] {
  return [...new Set(Object.values(eventCatalog).map((definition) => definition.topic))];
}

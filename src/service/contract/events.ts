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

/**
 * The user's email is now `email`. The old address is left out on purpose: it is personal data the
 * projection does not need (it holds the current email already), and the topic keeps its history
 * for ever for rebuilds, where an erasure request could not reach it. `version` is the user's
 * version after this change (a registration is 1): a reader applies a change only over an older
 * version, so a change republished after a crash never undoes a newer one.
 */
export const userEmailChangedPayload = z.strictObject({
  userId: z.uuid(),
  email: z.email(),
  version: z.int().min(2),
  changedAt: z.iso.datetime({ offset: true }),
});

export type UserEmailChangedPayload = z.infer<typeof userEmailChangedPayload>;

/** The settings naming the topics events are routed to; their values come from the config. */
export type RoutedTopicSetting = 'USER_REGISTRATION_TOPIC';

export interface EventDefinition<Payload extends z.ZodType = z.ZodType> {
  aggregateType: string;
  payload: Payload;
  /**
   * Where the router sends it. The raw event_type column is never used as a topic name. Events of
   * one aggregate whose order matters share a topic: keyed by the aggregate id, they share a
   * partition, the one place Kafka keeps an order.
   */
  topic: RoutedTopicSetting;
  /** The notifier acts on it (the welcome notification); any other event on its topic it passes over. */
  notified: boolean;
}

/**
 * Every event the outbox may carry: the writer validates against it, the router routes by it, the
 * handlers parse with it. Adding an event type starts here (see the README).
 */
export const eventCatalog = {
  UserRegistered: { aggregateType: 'User', payload: userRegisteredPayload, topic: 'USER_REGISTRATION_TOPIC', notified: true },
  // On the registrations' topic: the projection must apply it after the registration it changes.
  UserEmailChanged: { aggregateType: 'User', payload: userEmailChangedPayload, topic: 'USER_REGISTRATION_TOPIC', notified: false },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof eventCatalog;
export type EventPayload<T extends EventType> = z.infer<(typeof eventCatalog)[T]['payload']>;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventCatalog, value);
}

export function topicOf(eventType: EventType, topics: Pick<Config, RoutedTopicSetting>): string {
  return topics[eventCatalog[eventType].topic];
}

/** Whether the notifier acts on this event type; an unknown type is not notified. */
export function isNotified(eventType: string): boolean {
  return isEventType(eventType) && eventCatalog[eventType].notified;
}

/** Every topic some event is routed to, once each. */
export function routedTopicSettings(): RoutedTopicSetting[] {
  return [...new Set(Object.values(eventCatalog).map((definition) => definition.topic))];
}

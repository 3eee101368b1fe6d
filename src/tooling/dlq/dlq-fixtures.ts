import type { StageSettings } from '../../service/contract/stages.ts';
import type { TopicRecord } from '../../service/kafka/topic-reader.ts';

/** Fixtures of the dlq unit tests: the default topic names and dead letters as the consumer writes them. */
export const stageSettings: StageSettings = {
  CDC_TOPIC: 'dbz.public.outbox_events',
  USER_REGISTRATION_TOPIC: 'notif.user.registration',
  DLQ_TOPIC: 'eventdriven-examples.dlq',
  ROUTER_GROUP_ID: 'router',
  NOTIFIER_GROUP_ID: 'notifier',
  PROJECTOR_GROUP_ID: 'projector',
};

export function notifyDeadLetter(
  overrides: { offset?: number; key?: string; eventId?: string; originalOffset?: number; headers?: Record<string, string>; timestamp?: number } = {},
): TopicRecord {
  return {
    topic: 'eventdriven-examples.dlq',
    partition: 1,
    offset: overrides.offset ?? 7,
    timestamp: overrides.timestamp ?? Date.parse('2026-01-31T22:00:05Z'),
    key: overrides.key ?? 'user-1',
    value: '{"userId":"u"}',
    headers: {
      'event-id': overrides.eventId ?? '6f1c2b1e-1111-4a4a-8b8b-000000000001',
      'event-type': 'UserRegistered',
      traceparent: '00-abc-def-01',
      'dlq-stage': 'notify',
      'dlq-error-code': 'NOTIFICATION_NOT_FOUND',
      'dlq-error-message': 'notification n of user u does not exist',
      'dlq-original-topic': 'notif.user.registration',
      'dlq-original-partition': '1',
      'dlq-original-offset': String(overrides.originalOffset ?? 40),
      'dlq-original-timestamp': '1769896800000',
      'dlq-attempts': '5',
      'dlq-failed-at': '2026-01-31T22:00:05.000Z',
      ...overrides.headers,
    },
  };
}

export function routeDeadLetter(eventId: string, offset = 3): TopicRecord {
  const envelope = { op: 'c', after: { id: eventId, event_type: 'UserRegistered', aggregate_id: 'agg-2', payload: '{"userId":"x"}' }, source: { ts_ms: 1 } };
  return {
    topic: 'eventdriven-examples.dlq',
    partition: 0,
    offset,
    timestamp: Date.parse('2026-01-31T23:00:00Z'),
    key: 'user-2',
    value: JSON.stringify(envelope),
    headers: {
      'dlq-stage': 'route',
      'dlq-error-code': 'INVALID_PAYLOAD',
      'dlq-error-message': 'UserRegistered payload does not match its schema: email',
      'dlq-original-topic': 'dbz.public.outbox_events',
      'dlq-original-partition': '0',
      'dlq-original-offset': '90',
      'dlq-attempts': '1',
      'dlq-failed-at': '2026-01-31T23:00:00.000Z',
    },
  };
}

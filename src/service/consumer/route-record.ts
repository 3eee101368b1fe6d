import { decodeEnvelope } from '../cdc/debezium-envelope.ts';
import type { Producer } from '../kafka/client.ts';
import type { TopicSetting } from '../outbox/event-catalog.ts';
import type { RecordHandler } from './consumer-group.ts';
import { toKafkaError } from './kafka-errors.ts';
import { routeEvent } from './router.ts';

/**
 * The router stage: CDC record -> decoded event -> routed record, acknowledged by the broker
 * before the promise resolves. Decoding and routing are pure, so their errors are final and
 * only the send is ever retried.
 */
export function createRouteHandler(producer: Producer, topics: Readonly<Record<TopicSetting, string>>): RecordHandler {
  return async (record) => {
    const decoded = decodeEnvelope(record.value, { topic: record.topic });
    if (decoded.kind === 'skip') return `skipped:${decoded.reason}`;
    if (decoded.kind === 'error') throw decoded.error;
    const routed = routeEvent(decoded.event, topics);
    if (routed.kind === 'error') throw routed.error;
    const { topic, key, value, headers } = routed.record;
    try {
      await producer.send({ topic, messages: [{ key, value, headers }] });
    } catch (error) {
      throw toKafkaError(error);
    }
    return 'routed';
  };
}

import { decodeEnvelope } from '../contract/envelope-decoder.ts';
import type { RoutedTopicSetting } from '../contract/events.ts';
import type { Producer } from '../kafka/client.ts';
import { sendMessages } from '../kafka/send-messages.ts';
import type { RecordHandler } from './record-pipeline.ts';
import { routeEvent } from './router.ts';

/**
 * The router stage: CDC record -> decoded event -> routed record, acknowledged by the broker
 * before the promise resolves. Decoding and routing are pure, so their errors are final and
 * only the send is ever retried. A send cannot be called back once handed to librdkafka; it ends
 * within KAFKA_SEND_TIMEOUT_MS, which the config keeps below the attempt timeout.
 */
export function createRouteHandler(producer: Producer, topics: Readonly<Record<RoutedTopicSetting, string>>): RecordHandler {
  return async (record) => {
    const decoded = decodeEnvelope(record.value, { topic: record.topic });
    if (decoded.kind === 'skip') return `skipped:${decoded.reason}`;
    if (decoded.kind === 'error') throw decoded.error;
    const routed = routeEvent(decoded.event, topics);
    if (routed.kind === 'error') throw routed.error;
    const { topic, key, value, headers } = routed.record;
    await sendMessages(producer, topic, [{ key, value, headers }]);
    return 'routed';
  };
}

import type { Producer } from '../kafka/client.ts';
import { sendMessages } from '../kafka/send-messages.ts';
import type { DeadLetterSink } from './record-pipeline.ts';

/**
 * Writes dead letters to one topic; resolves only once the broker acknowledged the record. The
 * original headers stay as they were (the trace context included), so a replay is byte for byte.
 */
export function createDeadLetterSink(producer: Producer, topic: string): DeadLetterSink {
  return ({ key, value, headers }) => sendMessages(producer, topic, [{ key, value, headers }], { propagate: false });
}

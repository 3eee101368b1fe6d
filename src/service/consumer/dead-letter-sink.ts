import type { Producer } from '../kafka/client.ts';
import { sendMessages } from '../kafka/send-messages.ts';
import type { DeadLetterSink } from './record-pipeline.ts';

/** Writes dead letters to one topic; resolves only once the broker acknowledged the record. */
export function createDeadLetterSink(producer: Producer, topic: string): DeadLetterSink {
  return ({ key, value, headers }) => sendMessages(producer, topic, [{ key, value, headers }]);
}

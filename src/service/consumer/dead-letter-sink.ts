import type { Producer } from '../kafka/client.ts';
import type { DeadLetterSink } from './consumer-group.ts';
import { toKafkaError } from './kafka-errors.ts';

/** Writes dead letters to one topic; resolves only once the broker acknowledged the record. */
export function createDeadLetterSink(producer: Producer, topic: string): DeadLetterSink {
  return async ({ key, value, headers }) => {
    try {
      await producer.send({ topic, messages: [{ key, value, headers }] });
    } catch (error) {
      throw toKafkaError(error);
    }
  };
}

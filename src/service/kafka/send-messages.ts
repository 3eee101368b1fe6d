import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Producer } from './client.ts';
import { classifyKafkaError } from './kafka-errors.ts';

export type OutgoingMessage = KafkaJS.Message;

/** Produces and resolves once the broker acknowledged every message; failures leave classified. */
export async function sendMessages(producer: Producer, topic: string, messages: OutgoingMessage[]): Promise<void> {
  try {
    await producer.send({ topic, messages });
  } catch (error) {
    throw classifyKafkaError(error);
  }
}

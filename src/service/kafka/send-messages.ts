import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { kafkaSystem, messaging } from '../tracing/messaging-attributes.ts';
import { injectActiveContext, tracer } from '../tracing/tracer.ts';
import type { Producer } from './client.ts';
import { classifyKafkaError } from './kafka-errors.ts';

export type OutgoingMessage = KafkaJS.Message;

export interface SendOptions {
  /**
   * Write the send span's context into each message's headers (traceparent), so its consumer
   * continues the trace. Off for dead letters, whose headers are kept byte for byte for replay.
   */
  propagate?: boolean;
}

/**
 * Produces and resolves once the broker acknowledged every message; failures leave classified.
 * Each call is one "send" span (OpenTelemetry messaging conventions), a no-op unless tracing is on.
 */
export async function sendMessages(producer: Producer, topic: string, messages: OutgoingMessage[], { propagate = true }: SendOptions = {}): Promise<void> {
  const only = messages.length === 1 ? messages[0] : undefined;
  return tracer.startActiveSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [messaging.system]: kafkaSystem,
        [messaging.operationType]: 'send',
        [messaging.operationName]: 'send',
        [messaging.destinationName]: topic,
        ...(only === undefined ? { [messaging.batchMessageCount]: messages.length } : keyAttribute(only.key)),
      },
    },
    async (span) => {
      try {
        if (propagate && span.isRecording()) {
          for (const message of messages) {
            message.headers ??= {};
            injectActiveContext(message.headers as Record<string, unknown>);
          }
        }
        await producer.send({ topic, messages });
      } catch (error) {
        const classified = classifyKafkaError(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: classified.message });
        span.setAttribute('error.type', classified.code);
        throw classified;
      } finally {
        span.end();
      }
    },
  );
}

function keyAttribute(key: OutgoingMessage['key']): Record<string, string> {
  if (key === null || key === undefined) return {};
  return { [messaging.kafkaMessageKey]: typeof key === 'string' ? key : key.toString('utf8') };
}

/**
 * Attribute names of the OpenTelemetry messaging semantic conventions. They are still "incubating"
 * in @opentelemetry/semantic-conventions, whose README advises copying such names rather than
 * importing its unstable entry point.
 */
export const messaging = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destinationName: 'messaging.destination.name',
  partitionId: 'messaging.destination.partition.id',
  consumerGroupName: 'messaging.consumer.group.name',
  messageId: 'messaging.message.id',
  batchMessageCount: 'messaging.batch.message_count',
  kafkaOffset: 'messaging.kafka.offset',
  kafkaMessageKey: 'messaging.kafka.message.key',
} as const;

export const kafkaSystem = 'kafka';

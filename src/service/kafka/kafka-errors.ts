import { AppError, isAppError } from '../errors.ts';

// Broker answers that no retry can change: the record itself or our rights are the problem.
const permanentCodes = new Set([
  10, // MSG_SIZE_TOO_LARGE
  17, // INVALID_TOPIC_EXCEPTION
  18, // RECORD_LIST_TOO_LARGE
  29, // TOPIC_AUTHORIZATION_FAILED
  31, // CLUSTER_AUTHORIZATION_FAILED
  87, // INVALID_RECORD
  -186, // local: invalid argument
]);

/**
 * Maps a producer failure to the error model. librdkafka has already retried internally by the
 * time a delivery fails, and it reports timeouts and "queue full" as not retriable; for us they
 * are the typical transient broker outage, so everything but a known permanent rejection is
 * retryable.
 */
export function classifyKafkaError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'number' && permanentCodes.has(code)) {
    return new AppError('KAFKA_REJECTED', `Kafka rejected the record: ${message}`, { cause: error, retryable: false });
  }
  return new AppError('KAFKA_UNAVAILABLE', `Kafka did not acknowledge the record: ${message}`, { cause: error });
}

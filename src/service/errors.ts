/**
 * The one error model of the project. A code says what went wrong in words a caller can branch
 * on; `retryable` says whether trying the same thing again may succeed, which is what the HTTP
 * layer (503 versus 4xx) and the consumer (retry versus dead-letter) both need to know.
 */
export const errorCodes = [
  'CONFIG_INVALID',
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'EMAIL_TAKEN',
  'RATE_LIMITED',
  'OVERLOADED',
  'DATABASE_UNAVAILABLE',
  'DATABASE_CONFLICT',
  'UNIQUE_VIOLATION',
  'DATABASE_ERROR',
  'KAFKA_UNAVAILABLE',
  'CONNECT_UNAVAILABLE',
  'TIMEOUT',
  'MALFORMED_ENVELOPE',
  'UNKNOWN_EVENT_TYPE',
  'INVALID_PAYLOAD',
  'NOTIFICATION_NOT_FOUND',
  'SENDER_UNAVAILABLE',
  'SENDER_REJECTED',
  'MALFORMED_RECORD',
  'KAFKA_REJECTED',
  'PREREQUISITE_MISSING',
  'PORT_IN_USE',
  'PROCESS_FAILED',
  'CONNECTOR_FAILED',
  'SLOT_IN_USE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

const retryableCodes: ReadonlySet<ErrorCode> = new Set([
  'RATE_LIMITED',
  'OVERLOADED',
  'DATABASE_UNAVAILABLE',
  'DATABASE_CONFLICT',
  'KAFKA_UNAVAILABLE',
  'CONNECT_UNAVAILABLE',
  'SENDER_UNAVAILABLE',
  'TIMEOUT',
]);

export interface AppErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  details?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, { cause, retryable = retryableCodes.has(code), details }: AppErrorOptions = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = retryable;
    this.details = details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * The one mapper from anything thrown to the error model. The adapters classify what they know at
 * their edge (db/database-errors.ts: SQLSTATEs and driver failures; kafka/kafka-errors.ts: broker
 * answers; the notification sender's failures in notifications/), so what reaches this point
 * unclassified is a bug: INTERNAL, not retried.
 */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error, retryable: false });
}

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
  'DATABASE_UNAVAILABLE',
  'KAFKA_UNAVAILABLE',
  'CONNECT_UNAVAILABLE',
  'TIMEOUT',
  'MALFORMED_ENVELOPE',
  'UNKNOWN_EVENT_TYPE',
  'INVALID_PAYLOAD',
  'NOTIFICATION_NOT_FOUND',
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

const retryableCodes: ReadonlySet<ErrorCode> = new Set(['DATABASE_UNAVAILABLE', 'KAFKA_UNAVAILABLE', 'CONNECT_UNAVAILABLE', 'TIMEOUT']);

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

// SQLSTATE classes that mean "the database is not there right now", not "your query is wrong".
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const unavailableNodeCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

/** True when a pg driver error means the database is unreachable (retry later), not a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (unavailableSqlStates.has(code) || unavailableNodeCodes.has(code))) return true;
    if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(current.message)) return true;
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

/** Maps anything thrown by a database call to an AppError, keeping the original as the cause. */
export function toDatabaseError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (isDatabaseUnavailable(error)) return new AppError('DATABASE_UNAVAILABLE', 'the database is unreachable', { cause: error });
  return new AppError('INTERNAL', 'unexpected database error', { cause: error });
}

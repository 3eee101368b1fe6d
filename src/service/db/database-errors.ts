import { AppError, isAppError } from '../errors.ts';

// The server or the connection is not there right now: retry later.
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53000', '53100', '53200', '53300', '53400']);
const unavailableNodeCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
const unavailableMessages =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;
// Two transactions got in each other's way; the same work succeeds when tried again.
const conflictSqlStates = new Set(['40001', '40P01', '55P03']);

interface PgErrorFields {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
}

/**
 * Every failure of PostgreSQL or its driver as the error model sees it. Only this file reads
 * SQLSTATEs; the rest of the service branches on the codes:
 *  - DATABASE_UNAVAILABLE (retryable): refused, reset or lost connections, a server shutting down,
 *    no connection slot (class 08, 57P0x, 53xxx), a pool that cannot hand out a connection in time;
 *  - TIMEOUT (retryable): a statement cancelled (57014), by statement_timeout or by our own cancel;
 *  - DATABASE_CONFLICT (retryable): serialization failure, deadlock, lock not available;
 *  - UNIQUE_VIOLATION (not retryable): details.constraint names the index, so a caller can turn
 *    the one it expects (an email taken) into its own answer;
 *  - DATABASE_ERROR (not retryable): any other SQLSTATE, a bug or a schema that does not match.
 * Anything else is not a database error at all and is returned as INTERNAL.
 */
export function classifyDatabaseError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const sqlState = findSqlState(error);
  if (isUnavailable(error, sqlState)) return new AppError('DATABASE_UNAVAILABLE', 'the database is unreachable', { cause: error, details: { sqlState } });
  if (sqlState === '57014') return new AppError('TIMEOUT', 'the database statement was cancelled', { cause: error, details: { sqlState } });
  if (sqlState !== undefined && conflictSqlStates.has(sqlState)) {
    return new AppError('DATABASE_CONFLICT', `the transaction conflicted with another one (${sqlState})`, { cause: error, details: { sqlState } });
  }
  const fields = (error ?? {}) as PgErrorFields;
  if (sqlState === '23505') {
    return new AppError('UNIQUE_VIOLATION', 'a row with this key already exists', {
      cause: error,
      details: { sqlState, constraint: typeof fields.constraint === 'string' ? fields.constraint : undefined },
    });
  }
  if (sqlState !== undefined)
    return new AppError('DATABASE_ERROR', `the database refused the statement (${sqlState})`, { cause: error, details: { sqlState } });
  return new AppError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error, retryable: false });
}

/** The SQLSTATE behind a classified database error, when PostgreSQL gave one. */
export function sqlStateOf(error: AppError): string | undefined {
  const sqlState = (error.details as { sqlState?: unknown } | undefined)?.sqlState;
  return typeof sqlState === 'string' ? sqlState : undefined;
}

/** Runs a database call, turning whatever it throws into the error model. */
export async function classifyingDatabaseErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}

function findSqlState(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as PgErrorFields).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function isUnavailable(error: unknown, sqlState: string | undefined): boolean {
  if (sqlState !== undefined) return sqlState.startsWith('08') || unavailableSqlStates.has(sqlState);
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as PgErrorFields).code;
    if (typeof code === 'string' && unavailableNodeCodes.has(code)) return true;
    if (unavailableMessages.test(current.message)) return true;
    if (current instanceof AggregateError && current.errors.some((inner) => isUnavailable(inner, findSqlState(inner)))) return true;
  }
  return false;
}

import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, toAppError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { retryAfterSeconds, toErrorResponse } from './error-body.ts';

/** Hono's own exceptions (bad JSON, wrong media type, oversized body) get the project's codes. */
function fromHttpException(error: HTTPException): AppError {
  switch (error.status) {
    case 400:
      return new AppError('MALFORMED_JSON', 'the request body is not valid JSON', { cause: error });
    case 413:
      return new AppError('PAYLOAD_TOO_LARGE', 'the request body is too large', { cause: error });
    case 415:
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', { cause: error });
    default:
      return new AppError('INTERNAL', error.message, { cause: error });
  }
}

export function handleError(error: Error, c: Context<AppEnv>): Response {
  const appError = error instanceof HTTPException ? fromHttpException(error) : toAppError(error);
  const { status, body } = toErrorResponse(appError, c.get('requestId'));
  const logger = c.get('logger');
  // Shedding load is the server working as designed, and a flood brings hundreds of them a second:
  // the request line (status 503) records each; a stack trace per refusal would only add to the load.
  if (status >= 500 && appError.code !== 'OVERLOADED') logger?.error({ err: error, code: appError.code }, 'request failed');
  // A 429 carries the Retry-After its rate limiter computed.
  if (status === 503) c.header('Retry-After', String(retryAfterSeconds(appError.code)));
  return c.json(body, status);
}

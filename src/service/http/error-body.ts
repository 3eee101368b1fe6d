import { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppError, ErrorCode } from '../errors.ts';

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED', description: 'stable, machine-readable; see the README for the list' }),
      message: z.string().openapi({ example: 'the request body is invalid' }),
      fields: z
        .array(
          z.object({
            path: z.string().openapi({ example: 'password' }),
            message: z.string().openapi({ example: 'Too small: expected string to have >=8 characters' }),
          }),
        )
        .optional()
        .openapi({ description: 'the offending fields, when the problem is in the input' }),
    }),
    requestId: z.string().optional().openapi({ description: 'the X-Request-Id of the request, to find it in the logs' }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof errorBodySchema>;

const statusByCode: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  DATABASE_UNAVAILABLE: 503,
  DATABASE_CONFLICT: 503,
};

/**
 * The single place where an AppError becomes an HTTP answer. Anything unexpected turns into a
 * generic 500: its message may hold SQL or internal names, so it goes to the log, never the client.
 */
export function toErrorResponse(error: AppError, requestId: string | undefined): { status: ContentfulStatusCode; body: ErrorBody } {
  const status = statusByCode[error.code];
  if (status === undefined) {
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error; the request id finds it in the server log' }, requestId } };
  }
  const fields = Array.isArray(error.details) ? (error.details as Array<{ path: string; message: string }>) : undefined;
  return { status, body: { error: { code: error.code, message: error.message, ...(fields === undefined ? {} : { fields }) }, requestId } };
}

/** Seconds a 503 tells the client to wait: a full hashing queue drains in about a second, a database comes back more slowly. */
export function retryAfterSeconds(code: ErrorCode): number {
  return code === 'OVERLOADED' ? 1 : 5;
}

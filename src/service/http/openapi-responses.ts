import type { ErrorCode } from '../errors.ts';
import type { App } from './app-env.ts';
import { type ErrorBody, errorBodySchema } from './error-body.ts';

// Response headers, declared once under components.headers and referenced by every response.
const headers = {
  XRequestId: {
    description: "This request's id (generated, or the client's own X-Request-Id): every log line of the request carries it, and so does an error body.",
    schema: { type: 'string' },
    example: 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607',
  },
  RetryAfter: {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 1 },
    example: 2,
  },
  RateLimitPolicy: {
    description:
      "IETF httpapi RateLimit-Policy: the client's bucket holds q registrations and refills completely in w seconds (RATE_LIMIT_BURST, RATE_LIMIT_PER_MINUTE). Absent when the limit is off, and on a 503 OVERLOADED (refused before the limit is asked).",
    schema: { type: 'string' },
    example: '"registrations";q=20;w=40',
  },
  RateLimit: {
    description:
      'IETF httpapi RateLimit: r registrations left to this client right now, its bucket full again in t seconds. Absent when the limit is off, on a 503 OVERLOADED (refused before the limit is asked), or when its store (Redis) did not answer, in which case the request was let through.',
    schema: { type: 'string' },
    example: '"registrations";r=19;t=2',
  },
  Location: {
    description: 'Where the new user can be read.',
    schema: { type: 'string' },
    example: '/api/v1/users/0b8f5a8e-3c1e-4c52-9f0e-6f7d3b1f2a10',
  },
} as const;

export type HeaderName = keyof typeof headers;

export function registerResponseHeaders(app: App): void {
  for (const [name, header] of Object.entries(headers)) app.openAPIRegistry.registerComponent('headers', name, header);
}

export function headerRefs(...names: HeaderName[]) {
  return Object.fromEntries(names.map((name) => [headerField[name], { $ref: `#/components/headers/${name}` }]));
}

const headerField: Record<HeaderName, string> = {
  XRequestId: 'X-Request-Id',
  RetryAfter: 'Retry-After',
  RateLimitPolicy: 'RateLimit-Policy',
  RateLimit: 'RateLimit',
  Location: 'Location',
};

export interface ErrorExample {
  code: ErrorCode;
  message: string;
  fields?: NonNullable<ErrorBody['error']['fields']>;
}

const exampleRequestId = headers.XRequestId.example;

/** An error response: the one error body, an example per code it can carry, and its headers (X-Request-Id always). */
export function errorResponseDoc(description: string, examples: [ErrorExample, ...ErrorExample[]], extraHeaders: HeaderName[] = []) {
  const body = ({ code, message, fields }: ErrorExample): ErrorBody => ({
    error: { code, message, ...(fields === undefined ? {} : { fields }) },
    requestId: exampleRequestId,
  });
  const media =
    examples.length === 1
      ? { schema: errorBodySchema, example: body(examples[0]) }
      : { schema: errorBodySchema, examples: Object.fromEntries(examples.map((example) => [example.code, { summary: example.code, value: body(example) }])) };
  return { description, headers: headerRefs('XRequestId', ...extraHeaders), content: { 'application/json': media } };
}

export function internalErrorDoc(extraHeaders: HeaderName[] = []) {
  return errorResponseDoc(
    'an unexpected error; the body names nothing internal, the request id finds it in the log (INTERNAL)',
    [{ code: 'INTERNAL', message: 'internal error; the request id finds it in the server log' }],
    extraHeaders,
  );
}

/** What every route taking a JSON body answers before its handler: a body too large, or not JSON. */
export function jsonBodyErrorDocs(extraHeaders: HeaderName[] = []) {
  return {
    413: errorResponseDoc(
      'the body is larger than BODY_LIMIT_BYTES (PAYLOAD_TOO_LARGE)',
      [{ code: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than 65536 bytes' }],
      extraHeaders,
    ),
    415: errorResponseDoc(
      'the body is not application/json (UNSUPPORTED_MEDIA_TYPE)',
      [{ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' }],
      extraHeaders,
    ),
  };
}

export const databaseUnavailableExample: ErrorExample = { code: 'DATABASE_UNAVAILABLE', message: 'the database is unreachable' };

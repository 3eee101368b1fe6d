import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AppError } from '../errors.ts';
import { retryAfterSeconds, toErrorResponse } from './error-body.ts';
import type { HttpInstruments } from './http-metrics.ts';
import { registrationRoute } from './http-metrics.ts';

export interface EarlyShedOptions {
  /** Registrations in progress at once, from arrival to answer: HASH_CONCURRENCY + HASH_QUEUE_MAX, the most the hashing queue holds. */
  limit: number;
  /** A body declared at most this long is drained (the connection stays open); anything else closes it. */
  bodyLimitBytes: number;
  /** Counted like any other request; no metrics without one. */
  instruments?: HttpInstruments;
}

/** The rule of hono/request-id, so a client's own X-Request-Id is echoed alike on both paths. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && header.length > 0 && header.length <= 255 && !/[^\w\-=]/.test(header) ? header : randomUUID();
}

/** Pure: whether this request line is a registration (the query string does not change the route). */
export function isRegistration(method: string | undefined, url: string | undefined): boolean {
  if (method !== registrationRoute.method || url === undefined) return false;
  const query = url.indexOf('?');
  return (query === -1 ? url : url.slice(0, query)) === registrationRoute.route;
}

/**
 * In front of Hono, on node:http's raw request: a registration arriving while `limit` are already
 * in progress is answered 503 OVERLOADED with Retry-After before anything else is done with it (no
 * body read, no validation, no rate limit token spent, no database). Admission is counted here, at
 * arrival, not read from the hashing queue: 500 requests arriving at once are all parsed before
 * the first body is read, so the queue would still be empty when each of them asks, and every one
 * would go on to cost a millisecond or two of the one event loop in Hono's middleware, body reading
 * and zod (a profile showed it), queueing the shed answers and /healthz behind one another for
 * seconds. Here a refusal costs a counter and one write. An admitted registration holds its place
 * until its answer is sent (or its connection drops), so the hashing queue it feeds never overflows;
 * the queue still refuses on its own (the same OVERLOADED) what reaches it by another way.
 *
 * A full server refuses before the client's bucket is asked: the answer is the same "back off"
 * either way, and a refused request spends none of the client's registrations.
 *
 * The unread body: node:http discards what is still to come once the answer is sent and keeps the
 * connection for the next request, which is right for a body of a declared, bounded length. A
 * body of unknown length (chunked) or beyond the body limit could keep the connection busy for as
 * long as its sender likes: such a connection is closed after the answer instead.
 */
export function shedRegistrations(next: RequestListener, { limit, bodyLimitBytes, instruments }: EarlyShedOptions): RequestListener {
  let inProgress = 0;
  const release = () => inProgress--;
  return (request: IncomingMessage, response: ServerResponse) => {
    if (!isRegistration(request.method, request.url)) {
      next(request, response);
      return;
    }
    if (inProgress < limit) {
      inProgress++;
      // 'close' comes once per response, after it is sent or when its connection is lost.
      response.once('close', release);
      next(request, response);
      return;
    }
    const started = performance.now();
    const requestId = requestIdOf(request.headers['x-request-id']);
    const error = new AppError('OVERLOADED', `the server is busy with ${inProgress} registrations; retry in a moment`);
    const { status, body } = toErrorResponse(error, requestId);
    const payload = JSON.stringify(body);
    const declared = Number(request.headers['content-length']);
    const drainable = request.headers['transfer-encoding'] === undefined && Number.isFinite(declared) && declared <= bodyLimitBytes;
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'retry-after': String(retryAfterSeconds(error.code)),
      'x-request-id': requestId,
      ...(drainable ? {} : { connection: 'close' }),
    });
    response.end(payload);
    instruments?.record(registrationRoute.method, registrationRoute.route, status, (performance.now() - started) / 1000);
  };
}

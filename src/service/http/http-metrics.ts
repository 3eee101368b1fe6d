import type { MiddlewareHandler } from 'hono';
import { Counter, Histogram } from 'prom-client';
import { durationBuckets, type MetricsRegistry } from '../metrics/registry.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { AppEnv } from './app-env.ts';
import { routeTemplate } from './route-template.ts';

/** The registration route, as its template reads (users-routes.ts mounted under /api/v1). */
export const registrationRoute = { method: 'POST', route: '/api/v1/users' } as const;

export type RegistrationOutcome = 'registered' | 'email_taken' | 'rate_limited' | 'rejected' | 'unavailable' | 'failed';

/** Pure: what a registration's status says happened. */
export function registrationOutcome(status: number): RegistrationOutcome {
  if (status === 201) return 'registered';
  if (status === 409) return 'email_taken';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'failed';
  return 'rejected';
}

export interface HttpInstruments {
  /** One answered request: its duration and, for a registration, its outcome. */
  record: (method: string, route: string, status: number, seconds: number) => void;
}

const instrumentsByRegistry = new WeakMap<MetricsRegistry, HttpInstruments>();

/**
 * Request duration by route template, method and status (the HTTP semantic conventions' server
 * duration, in seconds), and registrations by outcome. One set per registry: the Hono middleware
 * and the early shed in front of Hono (early-shed.ts) count into the same series.
 */
export function httpInstruments(registry: MetricsRegistry): HttpInstruments {
  const existing = instrumentsByRegistry.get(registry);
  if (existing !== undefined) return existing;
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests, by route template, method and response status.',
    labelNames: ['method', 'route', 'status'],
    buckets: durationBuckets,
    registers: [registry],
  });
  const registrations = new Counter({
    name: 'outbox_registrations_total',
    help: 'POST /api/v1/users by outcome: registered (201), email_taken (409), rate_limited (429), rejected (other 4xx), unavailable (503: shed or database down), failed (other 5xx).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of ['registered', 'email_taken', 'rate_limited', 'rejected', 'unavailable', 'failed'] satisfies RegistrationOutcome[]) {
    registrations.inc({ outcome }, 0);
  }
  const instruments: HttpInstruments = {
    record: (method, route, status, seconds) => {
      duration.observe({ method, route, status: String(status) }, seconds);
      if (route === registrationRoute.route && method === registrationRoute.method) registrations.inc({ outcome: registrationOutcome(status) });
    },
  };
  instrumentsByRegistry.set(registry, instruments);
  return instruments;
}

/** Measures around everything after it, the error handler's answer included. */
export function httpMetrics(registry: MetricsRegistry): MiddlewareHandler<AppEnv> {
  const { record } = httpInstruments(registry);
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      record(c.req.method, routeTemplate(c), c.res.status, (performance.now() - started) / 1000);
    }
  };
}

/** Registrations let through unchecked while the rate limit's store (Redis) did not answer: fail open, counted. */
export function rateLimitMetrics(registry: MetricsRegistry, limiter: Pick<RateLimiter, 'failOpenTotal'>): void {
  new Counter({
    name: 'outbox_rate_limit_fail_open_total',
    help: 'Registrations let through without a rate limit check because the bucket store (Redis) did not answer in time.',
    registers: [registry],
    // The limiter keeps the count; each scrape copies it.
    collect() {
      this.reset();
      this.inc(limiter.failOpenTotal());
    },
  });
}

/** GET /metrics: the registry in Prometheus's text format. */
export function metricsEndpoint(registry: MetricsRegistry): MiddlewareHandler<AppEnv> {
  return async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
}

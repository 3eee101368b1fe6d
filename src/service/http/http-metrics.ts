import type { MiddlewareHandler } from 'hono';
import { Counter, Histogram } from 'prom-client';
import { durationBuckets, type MetricsRegistry } from '../metrics/registry.ts';
import type { AppEnv } from './app-env.ts';
import { routeTemplate } from './route-template.ts';

/** The registration route, as its template reads (users-routes.ts mounted under /api/v1). */
export const registrationRoute = { method: 'POST', route: '/api/v1/users' } as const;

export type RegistrationOutcome = 'registered' | 'email_taken' | 'rejected' | 'unavailable' | 'failed';

/** Pure: what a registration's status says happened. */
export function registrationOutcome(status: number): RegistrationOutcome {
  if (status === 201) return 'registered';
  if (status === 409) return 'email_taken';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'failed';
  return 'rejected';
}

/**
 * Request duration by route template, method and status (the HTTP semantic conventions' server
 * duration, in seconds), and registrations by outcome. Measured around everything after it, the
 * error handler's answer included.
 */
export function httpMetrics(registry: MetricsRegistry): MiddlewareHandler<AppEnv> {
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests, by route template, method and response status.',
    labelNames: ['method', 'route', 'status'],
    buckets: durationBuckets,
    registers: [registry],
  });
  const registrations = new Counter({
    name: 'outbox_registrations_total',
    help: 'POST /api/v1/users by outcome: registered (201), email_taken (409), rejected (other 4xx), unavailable (503), failed (other 5xx).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of ['registered', 'email_taken', 'rejected', 'unavailable', 'failed'] satisfies RegistrationOutcome[]) registrations.inc({ outcome }, 0);
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routeTemplate(c);
      const status = c.res.status;
      duration.observe({ method: c.req.method, route, status: String(status) }, (performance.now() - started) / 1000);
      if (route === registrationRoute.route && c.req.method === registrationRoute.method) registrations.inc({ outcome: registrationOutcome(status) });
    }
  };
}

/** GET /metrics: the registry in Prometheus's text format. */
export function metricsEndpoint(registry: MetricsRegistry): MiddlewareHandler<AppEnv> {
  return async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
}

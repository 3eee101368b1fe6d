import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { contextFromHeaders, tracer } from '../tracing/tracer.ts';
import type { AppEnv } from './app-env.ts';
import { routeTemplate } from './route-template.ts';

/**
 * One SERVER span per request, continuing the caller's traceparent when it sent one (HTTP semantic
 * conventions: "POST /api/v1/users", http.route, http.request.method, http.response.status_code).
 * A no-op unless tracing is on.
 */
export function httpTracing(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const route = routeTemplate(c);
    const parent = contextFromHeaders(c.req.raw.headers);
    const span = tracer.startSpan(
      route === 'unmatched' ? c.req.method : `${c.req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': c.req.method,
          'url.path': c.req.path,
          'url.scheme': new URL(c.req.url).protocol.replace(':', ''),
          ...(route === 'unmatched' ? {} : { 'http.route': route }),
        },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const status = c.res.status;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
  };
}

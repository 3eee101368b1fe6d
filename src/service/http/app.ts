import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { MetricsRegistry } from '../metrics/registry.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { App } from './app-env.ts';
import { createRouter } from './create-router.ts';
import { handleError } from './error-handler.ts';
import { healthRoutes } from './health-routes.ts';
import { httpMetrics, metricsEndpoint, rateLimitMetrics } from './http-metrics.ts';
import { httpTracing } from './http-tracing.ts';
import { registerResponseHeaders } from './openapi-responses.ts';
import { rateLimit } from './rate-limit.ts';
import { requestLogger } from './request-logger.ts';
import { statsRoutes } from './stats-routes.ts';
import { swaggerUiRoutes } from './swagger-ui.ts';
import { userEmailRoutes } from './user-email-routes.ts';
import { usersRoutes } from './users-routes.ts';

export interface AppOptions {
  db: Db;
  logger: Logger;
  /** Hashes a password, or rejects with OVERLOADED when too many already wait (users/password-hashing.ts). */
  hashPassword: (password: string) => Promise<string>;
  bodyLimitBytes?: number;
  /** Served at GET /metrics, with every request measured into it; no metrics without one. */
  metrics?: MetricsRegistry;
  /** Registrations and email changes per client (one bucket); none, no limit. */
  rateLimiter?: RateLimiter;
  /** Proxies whose X-Forwarded-For entries are believed (TRUST_PROXY). */
  trustedProxies?: number;
  /** The schema of the registrations projection the stats are read from (PROJECTION_SCHEMA). */
  projectionSchema?: string;
}

export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Transactional outbox demo API',
    version: '1.0.0',
    description: 'Registers users and changes their email; each writes its event (UserRegistered, UserEmailChanged) to the outbox in the same transaction.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  // Relative: Swagger UI and clients resolve it against wherever they read this document.
  servers: [{ url: '/', description: 'the api-server that serves this document' }],
  // No authentication: registration is public; its protection is the per-client rate limit.
  security: [],
  tags: [
    { name: 'users', description: 'Registration, changing an email, and reading a user with the state of its welcome notification.' },
    { name: 'stats', description: 'Read side: counts served from a projection the events feed, with how fresh they are.' },
    { name: 'health', description: 'Liveness and readiness probes.' },
  ],
};

export function createApp({
  db,
  logger,
  hashPassword,
  bodyLimitBytes = 64 * 1024,
  metrics,
  rateLimiter,
  trustedProxies = 0,
  projectionSchema = 'read_model',
}: AppOptions): App {
  const app = createRouter();
  app.use(requestId());
  app.use(httpTracing());
  if (metrics !== undefined) app.use(httpMetrics(metrics));
  if (metrics !== undefined && rateLimiter !== undefined) rateLimitMetrics(metrics, rateLimiter);
  app.use(requestLogger(logger));
  // First, before the body is read or validated: every attempt counts, and a refused one costs almost nothing.
  if (rateLimiter !== undefined) {
    const limit = rateLimit(rateLimiter, { trustedProxies });
    app.on('POST', '/api/v1/users', limit);
    app.on('PUT', '/api/v1/users/:id/email', limit);
  }
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: bodyLimitBytes,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE', `the request body is larger than ${bodyLimitBytes} bytes`);
      },
    }),
  );
  app.route('/', healthRoutes(db));
  app.route('/api/v1', usersRoutes({ db, hashPassword }));
  app.route('/api/v1', userEmailRoutes({ db }));
  app.route('/api/v1', statsRoutes({ db, projectionSchema }));
  registerResponseHeaders(app);
  app.doc31('/openapi.json', openApiInfo);
  app.route('/', swaggerUiRoutes());
  if (metrics !== undefined) app.get('/metrics', metricsEndpoint(metrics));
  app.notFound((c) => handleError(new AppError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), c));
  app.onError(handleError);
  return app;
}

export function openApiDocument(app: App): unknown {
  return app.getOpenAPI31Document(openApiInfo);
}

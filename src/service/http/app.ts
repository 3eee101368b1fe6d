import { swaggerUI } from '@hono/swagger-ui';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { MetricsRegistry } from '../metrics/registry.ts';
import type { App } from './app-env.ts';
import { createRouter } from './create-router.ts';
import { handleError } from './error-handler.ts';
import { healthRoutes } from './health-routes.ts';
import { httpMetrics, metricsEndpoint } from './http-metrics.ts';
import { httpTracing } from './http-tracing.ts';
import { requestLogger } from './request-logger.ts';
import { usersRoutes } from './users-routes.ts';

export interface AppOptions {
  db: Db;
  logger: Logger;
  hashPassword: (password: string) => Promise<string>;
  bodyLimitBytes?: number;
  /** Served at GET /metrics, with every request measured into it; no metrics without one. */
  metrics?: MetricsRegistry;
}

export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Transactional outbox demo API',
    version: '1.0.0',
    description: 'Registers users; every registration writes a UserRegistered event to the outbox in the same transaction.',
  },
} as const;

export function createApp({ db, logger, hashPassword, bodyLimitBytes = 64 * 1024, metrics }: AppOptions): App {
  const app = createRouter();
  app.use(requestId());
  app.use(httpTracing());
  if (metrics !== undefined) app.use(httpMetrics(metrics));
  app.use(requestLogger(logger));
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
  app.doc31('/openapi.json', openApiInfo);
  app.get('/swagger', swaggerUI({ url: '/openapi.json' }));
  if (metrics !== undefined) app.get('/metrics', metricsEndpoint(metrics));
  app.notFound((c) => handleError(new AppError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`), c));
  app.onError(handleError);
  return app;
}

export function openApiDocument(app: App): unknown {
  return app.getOpenAPI31Document(openApiInfo);
}

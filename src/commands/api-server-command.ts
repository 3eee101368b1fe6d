import { Command } from 'commander';
import { createDatabase } from '../service/db/database.ts';
import { createApp } from '../service/http/app.ts';
import { shedRegistrations } from '../service/http/early-shed.ts';
import { httpInstruments } from '../service/http/http-metrics.ts';
import { startServer } from '../service/http/server.ts';
import { createLogger } from '../service/logger.ts';
import { createMetricsRegistry } from '../service/metrics/registry.ts';
import { configuredRateLimiter } from '../service/rate-limit/configured-rate-limiter.ts';
import { startTracing } from '../service/tracing/start-tracing.ts';
import { describeHashParams } from '../service/users/password-hash.ts';
import { configuredHashing, hashParamsOf } from '../service/users/password-hashing.ts';
import { runAction } from './run-action.ts';
import { untilSignal } from './until-signal.ts';

export function apiServerCommand(): Command {
  return new Command('api-server').description('serve the HTTP API (POST /api/v1/users, Swagger UI at /swagger)').action(
    runAction(async (config) => {
      const logger = createLogger(config.LOG_LEVEL, 'api-server');
      const tracing = await startTracing('api-server', logger);
      const db = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: `api-server:${process.pid}` });
      const hashing = configuredHashing(config);
      const rateLimiter = configuredRateLimiter(config, logger);
      // Not fatal: a Redis that is down at start is one more outage the limiter fails open through.
      await rateLimiter?.ready(5_000);
      logger.info(
        {
          hashing: describeHashParams(hashParamsOf(config)),
          hashConcurrency: config.HASH_CONCURRENCY,
          hashQueueMax: config.HASH_QUEUE_MAX,
          rateLimit:
            rateLimiter === undefined
              ? 'off'
              : `${config.RATE_LIMIT_BURST} registrations per client, ${config.RATE_LIMIT_PER_MINUTE}/min, buckets in ${rateLimiter.storeName}`,
          trustProxy: config.TRUST_PROXY,
        },
        'api-server settings',
      );
      const metrics = createMetricsRegistry();
      const app = createApp({
        db,
        logger,
        metrics,
        bodyLimitBytes: config.BODY_LIMIT_BYTES,
        hashPassword: hashing.hash,
        rateLimiter,
        trustedProxies: config.TRUST_PROXY,
        projectionSchema: config.PROJECTION_SCHEMA,
      });
      const server = await startServer(app, {
        host: config.HOST,
        port: config.PORT,
        logger,
        shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        front: (hono) =>
          shedRegistrations(hono, {
            limit: config.HASH_CONCURRENCY + config.HASH_QUEUE_MAX,
            bodyLimitBytes: config.BODY_LIMIT_BYTES,
            instruments: httpInstruments(metrics),
          }),
      });
      const signal = await untilSignal();
      logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      await server.close();
      await rateLimiter?.close();
      await db.destroy();
      await tracing.shutdown();
      logger.info('api-server stopped');
    }),
  );
}

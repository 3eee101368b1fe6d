import { Command } from 'commander';
import { createDatabase } from '../service/db/database.ts';
import { createApp } from '../service/http/app.ts';
import { startServer } from '../service/http/server.ts';
import { createLogger } from '../service/logger.ts';
import { createMetricsRegistry } from '../service/metrics/registry.ts';
import { startTracing } from '../service/tracing/start-tracing.ts';
import { hashPassword } from '../service/users/password-hash.ts';
import { runAction } from './run-action.ts';
import { untilSignal } from './until-signal.ts';

export function apiServerCommand(): Command {
  return new Command('api-server').description('serve the HTTP API (POST /api/v1/users, Swagger UI at /swagger)').action(
    runAction(async (config) => {
      const logger = createLogger(config.LOG_LEVEL, 'api-server');
      const tracing = await startTracing('api-server', logger);
      const db = createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: `api-server:${process.pid}` });
      const app = createApp({
        db,
        logger,
        metrics: createMetricsRegistry(),
        bodyLimitBytes: config.BODY_LIMIT_BYTES,
        hashPassword: (password) => hashPassword(password, config.SCRYPT_LOG_N),
      });
      const server = await startServer(app, { host: config.HOST, port: config.PORT, logger, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
      const signal = await untilSignal();
      logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      await server.close();
      await db.destroy();
      await tracing.shutdown();
      logger.info('api-server stopped');
    }),
  );
}

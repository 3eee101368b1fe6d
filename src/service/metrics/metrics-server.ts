import { createServer, type Server } from 'node:http';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { MetricsRegistry } from './registry.ts';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** For GET /readyz: true once the process does its work (the kafka-consumer: every group has its partitions). */
  isReady?: () => boolean;
}

/**
 * GET /metrics for Prometheus, on a port of its own: the kafka-consumer serves no HTTP otherwise.
 * GET /readyz answers 200 once `isReady`, 503 before: what a supervisor (and `make up`) waits for,
 * without asking Kafka for the groups through an admin client of its own. Anything else is 404.
 */
export function startMetricsServer(registry: MetricsRegistry, { host, port, logger, isReady = () => true }: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const route = request.method === 'GET' ? request.url?.split('?')[0] : undefined;
    if (route === '/readyz') {
      const ready = isReady();
      response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'not ready: partitions not assigned yet\n');
      return;
    }
    if (route !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics or /readyz\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'collecting metrics failed');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new AppError('PORT_IN_USE', `metrics port ${port} on ${host} is taken: stop what uses it (ss -ltnp 'sport = :${port}') or set METRICS_PORT`)
          : error,
      ),
    );
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      logger.info({ url: `http://${host}:${bound}/metrics` }, 'metrics served');
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

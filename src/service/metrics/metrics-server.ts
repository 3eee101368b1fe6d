import { createServer, type Server } from 'node:http';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { MetricsRegistry } from './registry.ts';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * GET /metrics for Prometheus, on a port of its own: the kafka-consumer serves no HTTP otherwise.
 * Anything else is 404.
 */
export function startMetricsServer(registry: MetricsRegistry, { host, port, logger }: { host: string; port: number; logger: Logger }): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
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

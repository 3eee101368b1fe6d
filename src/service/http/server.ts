import { type ServerType, serve } from '@hono/node-server';
import type { Logger } from '../logger.ts';
import type { App } from './app-env.ts';

export interface RunningServer {
  port: number;
  /** Stops accepting, lets in-flight requests finish, and gives up on them after the timeout. */
  close: () => Promise<void>;
}

export function startServer(
  app: App,
  { host, port, logger, shutdownTimeoutMs }: { host: string; port: number; logger: Logger; shutdownTimeoutMs: number },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server: ServerType = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      logger.info({ url: `http://${host}:${info.port}`, swagger: `http://${host}:${info.port}/swagger` }, 'api-server listening');
      resolve({ port: info.port, close: () => closeServer(server, shutdownTimeoutMs, logger) });
    });
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is taken: stop what uses it (ss -ltnp 'sport = :${port}') or set PORT`) : error);
    });
  });
}

function closeServer(server: ServerType, timeoutMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const forced = setTimeout(() => {
      logger.warn({ timeoutMs }, 'in-flight requests still open at the shutdown deadline; closing them');
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, timeoutMs);
    forced.unref();
    server.close(() => {
      clearTimeout(forced);
      resolve();
    });
    // Idle keep-alive sockets would hold close() open until they time out.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}

import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from '../logger.ts';
import type { App } from './app-env.ts';

export interface RunningServer {
  port: number;
  /** Stops accepting, lets in-flight requests finish, and gives up on them after the timeout. */
  close: () => Promise<void>;
}

export function startServer(
  app: App,
  {
    host,
    port,
    logger,
    shutdownTimeoutMs,
    front = (listener) => listener,
  }: {
    host: string;
    port: number;
    logger: Logger;
    shutdownTimeoutMs: number;
    /** Sees each raw request before Hono does (early-shed.ts); passes it on by calling the listener it is given. */
    front?: (hono: RequestListener) => RequestListener;
  },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    // What @hono/node-server's serve() does, with the front listener between node:http and Hono.
    const server = createServer(front(getRequestListener(app.fetch, { hostname: host })));
    server.listen(port, host, () => {
      const info = server.address() as AddressInfo;
      logger.info({ url: `http://${host}:${info.port}`, swagger: `http://${host}:${info.port}/swagger` }, 'api-server listening');
      resolve({ port: info.port, close: () => closeServer(server, shutdownTimeoutMs, logger) });
    });
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is taken: stop what uses it (ss -ltnp 'sport = :${port}') or set PORT`) : error);
    });
  });
}

function closeServer(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const forced = setTimeout(() => {
      logger.warn({ timeoutMs }, 'in-flight requests still open at the shutdown deadline; closing them');
      server.closeAllConnections();
    }, timeoutMs);
    forced.unref();
    server.close(() => {
      clearTimeout(forced);
      resolve();
    });
    // Idle keep-alive sockets would hold close() open until they time out.
    server.closeIdleConnections();
  });
}

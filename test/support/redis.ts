import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';

/** The real Redis the rate limit tests share with everyone on this machine: each test uses a key prefix of its own. */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label: string): string {
  return `outbox-test:${label}:${randomUUID()}:`;
}

/** Removes every key under `prefix`, so a test leaves the shared Redis as it found it. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

export async function withRedis<T>(use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(testRedisUrl);
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function listen(server: Server, port = 0): Promise<number> {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

/**
 * A TCP relay in front of the real Redis that a test can cut and restore on the same port, or
 * freeze (connections stay open, nothing passes): Redis going away, coming back, or hanging, as
 * the api-server's client sees it, without touching the shared Redis.
 */
export async function redisRelay() {
  const target = new URL(testRedisUrl);
  const sockets = new Set<Socket>();
  let frozen = false;
  const serve = () =>
    createServer((client) => {
      const upstream = createConnection(Number(target.port || 6379), target.hostname);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        sockets.add(from);
        from.on('data', (chunk) => frozen || to.write(chunk));
        from.on('close', () => {
          sockets.delete(from);
          to.destroy();
        });
        from.on('error', () => from.destroy());
      }
    });
  let server = serve();
  const port = await listen(server);
  const cut = async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    cut,
    restore: async () => {
      server = serve();
      await listen(server, port);
    },
    freeze: (value: boolean) => {
      frozen = value;
    },
    close: async () => {
      if (server.listening) await cut();
    },
  };
}

/** A server that accepts connections and never says a word: a hung Redis. */
export async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
  });
  const port = await listen(server);
  return {
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../logger.ts';
import { startMetricsServer } from './metrics-server.ts';
import { createMetricsRegistry } from './registry.ts';

test('GET /readyz is 503 until the process says it is ready, then 200; /metrics answers meanwhile', async () => {
  let ready = false;
  const server = await startMetricsServer(createMetricsRegistry({ defaultMetrics: false }), {
    host: '127.0.0.1',
    port: 0,
    logger: createLogger('silent'),
    isReady: () => ready,
  });
  try {
    const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
    assert.equal((await fetch(url('/readyz'))).status, 503);
    assert.equal((await fetch(url('/metrics'))).status, 200);
    ready = true;
    assert.equal((await fetch(url('/readyz'))).status, 200);
    assert.equal((await fetch(url('/nothing'))).status, 404);
  } finally {
    await server.close();
  }
});

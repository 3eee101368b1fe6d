import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { createDatabase } from '../../src/service/db/database.ts';
import { createApp, openApiDocument } from '../../src/service/http/app.ts';
import { createLogger } from '../../src/service/logger.ts';

test('openapi/openapi.json is the document the code generates (run `make openapi` after changing a route)', async () => {
  const db = createDatabase({ url: 'postgres://unused@127.0.0.1:1/unused' });
  try {
    const generated = openApiDocument(createApp({ db, logger: createLogger('silent'), hashPassword: async () => '' }));
    const checkedIn = JSON.parse(await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'));
    assert.deepEqual(checkedIn, JSON.parse(JSON.stringify(generated)));
  } finally {
    await db.destroy();
  }
});

interface Doc {
  servers?: unknown[];
  security?: unknown[];
  tags?: Array<{ name: string }>;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        tags?: string[];
        responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { example?: unknown; examples?: unknown }> }>;
      }
    >
  >;
}

test('the checked-in document declares what clients and linters look for: operation ids, tags, examples for every status, and the response headers', async () => {
  const doc = JSON.parse(await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as Doc;
  assert.ok((doc.servers?.length ?? 0) > 0, 'servers');
  assert.deepEqual(doc.security, [], 'security: [] says no authentication on purpose');
  const tags = new Set(doc.tags?.map((tag) => tag.name));
  const statuses = new Set<string>();
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.match(operation.operationId ?? '', /^[a-z][A-Za-z]+$/, `${where} operationId`);
      for (const tag of operation.tags ?? []) assert.ok(tags.has(tag), `${where}: tag ${tag} is declared`);
      for (const [status, response] of Object.entries(operation.responses)) {
        statuses.add(status);
        assert.ok(response.headers?.['X-Request-Id'] !== undefined, `${where} ${status} documents X-Request-Id`);
        const media = response.content?.['application/json'];
        assert.ok(media?.example !== undefined || media?.examples !== undefined, `${where} ${status} has an example`);
        if (status === '429' || status === '503') assert.ok(response.headers?.['Retry-After'] !== undefined, `${where} ${status} documents Retry-After`);
        if (where === 'POST /api/v1/users') {
          assert.ok(response.headers?.RateLimit !== undefined && response.headers['RateLimit-Policy'] !== undefined, `${where} ${status} documents RateLimit`);
        }
      }
    }
  }
  assert.deepEqual([...statuses].sort(), ['200', '201', '400', '404', '409', '413', '415', '429', '500', '503']);
});

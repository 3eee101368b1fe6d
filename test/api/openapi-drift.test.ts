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

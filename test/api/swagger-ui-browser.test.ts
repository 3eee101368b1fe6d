import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Db } from '../../src/service/db/database.ts';
import { type RunningServer, startServer } from '../../src/service/http/server.ts';
import { createLogger } from '../../src/service/logger.ts';
import { createTestApp } from '../support/app.ts';
import { openTestDatabase, uniqueEmail } from '../support/database.ts';

// Debian's chromium (installed by `make deps`); playwright-core drives it and downloads nothing.
const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

let db: Db;
let server: RunningServer;
let profile: string;

before(async () => {
  db = await openTestDatabase();
  server = await startServer(createTestApp(db), { host: '127.0.0.1', port: 0, logger: createLogger('silent'), shutdownTimeoutMs: 2_000 });
  profile = await mkdtemp(path.join(tmpdir(), 'swagger-ui-profile-'));
});
after(async () => {
  await server?.close();
  await db?.destroy();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

test('/swagger in a real browser: the operations show, "Try it out" registers a user and shows the 201, and nothing leaves the machine', {
  timeout: 120_000,
}, async () => {
  const origin = `http://127.0.0.1:${server.port}`;
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: chromiumArgs });
  const requested: string[] = [];
  const consoleErrors: string[] = [];
  try {
    context.on('request', (request) => requested.push(request.url()));
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(`${origin}/swagger`);

    // Every operation of the document, under its tag.
    for (const id of ['users-registerUser', 'users-getUser', 'health-getLiveness', 'health-getReadiness']) {
      await page.locator(`#operations-${id}`).waitFor({ state: 'visible', timeout: 30_000 });
    }
    assert.match((await page.locator('#operations-users-registerUser .opblock-summary-path').textContent()) ?? '', /\/api\/v1\/users/);

    const operation = page.locator('#operations-users-registerUser');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const email = uniqueEmail('swagger');
    await operation.locator('textarea.body-param__text').fill(JSON.stringify({ email, password: 'correct horse battery staple' }));
    await operation.getByRole('button', { name: 'Execute' }).click();

    const live = operation.locator('.live-responses-table .response');
    await live.first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal((await live.locator('.response-col_status').first().textContent())?.trim(), '201');
    const shown = JSON.parse((await live.locator('.response-col_description pre.microlight').first().textContent()) ?? '') as { id: string; email: string };
    assert.equal(shown.email, email);
    const stored = await db.selectFrom('users').select('email').where('id', '=', shown.id).executeTakeFirst();
    assert.equal(stored?.email, email, 'the user Swagger registered is in the database');

    const offMachine = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    assert.deepEqual(offMachine, [], 'every request went to the api-server itself');
    assert.ok(requested.includes(`${origin}/swagger/swagger-ui-bundle.js`) && requested.includes(`${origin}/openapi.json`), requested.join('\n'));
    assert.deepEqual(consoleErrors, [], 'no script error and no Content-Security-Policy violation');
  } finally {
    await context.close();
  }
});

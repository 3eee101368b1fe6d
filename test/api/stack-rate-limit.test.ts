import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/service/config.ts';

// The suite runs inside `stack test`, which starts the api-server the way `make up` does.
test('the api-server the stack starts enforces the RATE_LIMIT_* settings it was started with', async () => {
  const { HOST, PORT, RATE_LIMIT_BURST, RATE_LIMIT_PER_MINUTE } = loadConfig();
  assert.ok(RATE_LIMIT_BURST > 0 && RATE_LIMIT_PER_MINUTE > 0, 'the test profile turns the limit on (Makefile, TEST_RATE_LIMIT_*)');
  // An invalid body: it spends a token and writes nothing.
  const response = await fetch(`http://${HOST}:${PORT}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(response.status, 400);
  const window = Math.ceil((RATE_LIMIT_BURST * 60) / RATE_LIMIT_PER_MINUTE);
  assert.equal(response.headers.get('ratelimit-policy'), `"registrations";q=${RATE_LIMIT_BURST};w=${window}`);
  assert.match(response.headers.get('ratelimit') ?? '', /^"registrations";r=\d+;t=\d+$/);
});

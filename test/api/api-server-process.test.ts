import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { waitFor } from '../../src/service/wait-for.ts';
import { freePort } from '../../src/tooling/bench/api-server-child.ts';
import { uniqueEmail } from '../support/database.ts';

test('cli api-server finishes an in-flight registration on SIGTERM, then exits 0 and logs JSON with request ids', async () => {
  const port = await freePort();
  // A costly KDF (scrypt 2^16) keeps the registration in flight while the signal arrives.
  const child = spawn(process.execPath, ['src/cli.ts', 'api-server'], {
    env: { ...process.env, PORT: String(port), PASSWORD_HASH: 'scrypt', SCRYPT_LOG_N: '16', LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/healthz`)).ok, { what: 'the api-server answering /healthz', timeoutMs: 60_000, intervalMs: 100 });
    const inFlight = fetch(`${base}/api/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('sigterm'), password: 'a secret nobody logs' }),
    });
    // The signal must arrive while the registration is in the server's hands, not before it got there.
    const started = (line: string) => line.includes('"msg":"request started"') && line.includes('"path":"/api/v1/users"');
    await waitFor(async () => output.split('\n').some(started), {
      what: 'the registration to reach the server',
      timeoutMs: 10_000,
      intervalMs: 5,
    });
    child.kill('SIGTERM');
    const response = await inFlight;
    assert.equal(response.status, 201);
    const [code] = await exited;
    assert.equal(code, 0);
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLine = lines.find((line) => line.msg === 'request' && line.path === '/api/v1/users');
    assert.equal(requestLine?.status, 201);
    assert.equal(typeof requestLine?.requestId, 'string');
    assert.ok(lines.some((line) => line.msg === 'api-server stopped'));
    assert.ok(!output.includes('a secret nobody logs'), 'the password must never reach the log');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

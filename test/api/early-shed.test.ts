import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { Db } from '../../src/service/db/database.ts';
import { shedRegistrations } from '../../src/service/http/early-shed.ts';
import { httpInstruments } from '../../src/service/http/http-metrics.ts';
import { type RunningServer, startServer } from '../../src/service/http/server.ts';
import { createLogger } from '../../src/service/logger.ts';
import { createMetricsRegistry } from '../../src/service/metrics/registry.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { type HttpAnswer, parseAnswer } from '../../src/tooling/bench/http-answer.ts';
import { createTestApp, testHashPassword } from '../support/app.ts';
import { openTestDatabase, uniqueEmail } from '../support/database.ts';
import { sumOf } from '../support/prometheus-text.ts';

let db: Db;
let server: RunningServer;
const metrics = createMetricsRegistry({ defaultMetrics: false });
let hashed = 0;

before(async () => {
  db = await openTestDatabase();
  const app = createTestApp(db, {
    metrics,
    hashPassword: (password) => {
      hashed++;
      return testHashPassword(password);
    },
  });
  // One registration in progress at a time: the one the test holds open fills the server.
  server = await startServer(app, {
    host: '127.0.0.1',
    port: 0,
    logger: createLogger('silent'),
    shutdownTimeoutMs: 2_000,
    front: (hono) => shedRegistrations(hono, { limit: 1, bodyLimitBytes: 64 * 1024, instruments: httpInstruments(metrics) }),
  });
});
after(async () => {
  await server?.close();
  await db?.destroy();
});

async function connect(): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port: server.port });
  await once(socket, 'connect');
  return socket;
}

/** The next whole answer on this connection, and whether the server then closed it. */
function nextAnswer(socket: Socket): Promise<{ answer: HttpAnswer; closed: Promise<boolean> }> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const closed = new Promise<boolean>((resolveClosed) => {
      socket.once('end', () => resolveClosed(true));
      socket.once('close', () => resolveClosed(true));
    });
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseAnswer(received);
      if (answer === undefined) return;
      socket.off('data', onData);
      resolve({ answer, closed });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

const registration = (email: string) => JSON.stringify({ email, password: 'correct horse battery staple' });

test('a full server answers a registration 503 OVERLOADED before reading its body: no rows, no hash, the connection kept or closed as its body allows', {
  timeout: 30_000,
}, async () => {
  const hashedBefore = hashed;
  const unavailableBefore = sumOf(await metrics.metrics(), 'outbox_registrations_total', { outcome: 'unavailable' });

  // The registration in progress: its headers say a body is coming, and it never does.
  const holder = await connect();
  holder.write('POST /api/v1/users HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"email":');

  // Full once the holder is admitted: a probe with an invalid body (a 400 if it got in, which writes nothing) sees it.
  await waitFor(
    async () =>
      (await fetch(`http://127.0.0.1:${server.port}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status ===
      503,
    { what: 'the holder to fill the server', timeoutMs: 5_000, intervalMs: 20 },
  );

  // A body of declared length: answered at once, the unread body discarded, the connection reused.
  const keptAlive = await connect();
  const email = uniqueEmail('early-shed');
  const body = registration(email);
  keptAlive.write(
    `POST /api/v1/users HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: shed-1\r\n\r\n${body}`,
  );
  const { answer } = await nextAnswer(keptAlive);
  assert.equal(answer.status, 503);
  assert.equal(answer.headers['retry-after'], '1');
  assert.equal(answer.headers['x-request-id'], 'shed-1');
  assert.equal(answer.headers.connection, 'keep-alive');
  const error = JSON.parse(answer.body) as { error: { code: string; message: string }; requestId: string };
  assert.equal(error.error.code, 'OVERLOADED');
  assert.match(error.error.message, /busy with 1 registrations/);
  assert.equal(error.requestId, 'shed-1');
  keptAlive.write('GET /healthz HTTP/1.1\r\nhost: test\r\n\r\n');
  assert.equal((await nextAnswer(keptAlive)).answer.status, 200, 'the same connection answers the next request');
  keptAlive.destroy();

  // A chunked body that never ends: still answered at once, then the connection is closed.
  const endless = await connect();
  endless.write('POST /api/v1/users HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"ema\r\n');
  const { answer: endlessAnswer, closed } = await nextAnswer(endless);
  assert.equal(endlessAnswer.status, 503);
  assert.equal(endlessAnswer.headers.connection, 'close');
  assert.equal(await closed, true, 'the server closes a connection whose body it would have to read to its unknown end');
  endless.destroy();

  // A registration hashes before its transaction: no hash, no write. Asked per email, as other tests may write meanwhile.
  assert.equal(hashed, hashedBefore, 'no password hashed for the refused registrations');
  assert.equal((await db.selectFrom('users').select('id').where('email', '=', email).execute()).length, 0, 'nothing written for the refused registration');
  assert.equal(
    sumOf(await metrics.metrics(), 'outbox_registrations_total', { outcome: 'unavailable' }),
    unavailableBefore + 3,
    'each refusal counted (the probe that saw it full, and these two)',
  );

  // The holder gives up: its place frees, and the next registration goes through.
  holder.destroy();
  const admitted = uniqueEmail('early-shed-admitted');
  const response = await waitFor(
    async () => {
      const answer = await fetch(`http://127.0.0.1:${server.port}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: registration(admitted),
      });
      return answer.status === 503 ? undefined : answer;
    },
    { what: "the holder's place to free", timeoutMs: 5_000, intervalMs: 20 },
  );
  assert.equal(response.status, 201);
  assert.equal((await db.selectFrom('users').select('id').where('email', '=', admitted).execute()).length, 1);
});

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { waitFor } from '../../src/service/wait-for.ts';
import { freePort } from '../../src/tooling/stack/listening-ports.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  config,
  prepareConsumerEnv,
  startConsumerProcess,
  stopConsumerProcess,
} from '../consumer/consumer-support.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.ts';

// One registration through three processes of their own (api-server, a router-only and a
// notifier-only kafka-consumer), each exporting its spans over OTLP/HTTP to a receiver this test
// runs. The consumers use the test's own groups, routed topic and inbox (consumer-support.ts).
const serverKind = 2;
const producerKind = 4;
const consumerKind = 5;

let receiver: OtlpReceiver;
let testEnv: ConsumerTestEnv;
let router: ConsumerProcess;
let notifier: ConsumerProcess;
let api: ChildProcess;
let apiPort: number;

function tracingEnv(service: string): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: service, OTEL_BSP_SCHEDULE_DELAY: '100' };
}

before(async () => {
  receiver = await startOtlpReceiver();
  testEnv = await prepareConsumerEnv('tracing');
  router = startConsumerProcess(testEnv, tracingEnv('outbox-router'), ['--only', 'router']);
  notifier = startConsumerProcess(testEnv, tracingEnv('outbox-notifier'), ['--only', 'notifier']);
  apiPort = await freePort();
  api = spawn(process.execPath, ['src/cli.ts', 'api-server'], {
    cwd: new URL('../../', import.meta.url),
    env: { ...process.env, ...tracingEnv('outbox-api-server'), PORT: String(apiPort), SCRYPT_LOG_N: '10', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  for (const consumer of [router, notifier]) await consumer.waitForLog('kafka-consumer ready', (line) => line.msg === 'kafka-consumer ready');
  await waitFor(async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok, {
    what: 'the traced api-server answering',
    timeoutMs: 30_000,
    intervalMs: 200,
  });
});

after(async () => {
  api?.kill('SIGTERM');
  await Promise.allSettled([router, notifier].filter(Boolean).map((consumer) => stopConsumerProcess(consumer)));
  await cleanupConsumerEnv(testEnv);
  await receiver?.close();
});

test('one registration is one trace across the api-server, the router and the notifier, each span parented on the previous hop', async () => {
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  const response = await fetch(`http://127.0.0.1:${apiPort}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpanId}-01` },
    body: JSON.stringify({ email: `traced-${Date.now()}@example.com`, password: 'correct horse battery staple' }),
  });
  assert.equal(response.status, 201);

  const find = (service: string, predicate: (span: ReceivedSpan) => boolean) =>
    receiver.spans.find((span) => span.traceId === traceId && span.service === service && predicate(span));
  const spans = await waitFor(
    async () => {
      const notified = find('outbox-notifier', (span) => span.kind === consumerKind);
      if (notified === undefined) return undefined;
      return {
        server: find('outbox-api-server', (span) => span.kind === serverKind),
        transaction: find('outbox-api-server', (span) => span.name === 'registration transaction'),
        routed: find('outbox-router', (span) => span.kind === consumerKind),
        sent: find('outbox-router', (span) => span.kind === producerKind),
        notified,
      };
    },
    { what: 'the notifier span of the registration at the OTLP receiver', timeoutMs: 45_000, intervalMs: 200 },
  );
  const { server, transaction, routed, sent, notified } = spans;

  // The API continues the caller's trace; the transaction is its child.
  assert.equal(server?.name, 'POST /api/v1/users');
  assert.equal(server?.parentSpanId, callerSpanId);
  assert.equal(server?.attributes['http.route'], '/api/v1/users');
  assert.equal(server?.attributes['http.response.status_code'], 201);
  assert.equal(transaction?.parentSpanId, server?.spanId);

  // The outbox row kept the transaction's context: the router's CONSUMER span hangs under it.
  assert.equal(routed?.name, `process ${config.CDC_TOPIC}`);
  assert.equal(routed?.parentSpanId, transaction?.spanId);
  assert.equal(routed?.attributes['messaging.system'], 'kafka');
  assert.equal(routed?.attributes['messaging.operation.type'], 'process');
  assert.equal(routed?.attributes['messaging.destination.name'], config.CDC_TOPIC);
  assert.equal(routed?.attributes['messaging.consumer.group.name'], testEnv.routerGroup);
  assert.equal(typeof routed?.attributes['messaging.kafka.offset'], 'number');
  assert.match(String(routed?.attributes['messaging.destination.partition.id']), /^\d+$/);
  assert.equal(routed?.attributes['outbox.outcome'], 'routed');

  // Its send is a PRODUCER child, and the routed record carried the send's context to the notifier.
  assert.equal(sent?.name, `send ${testEnv.notifTopic}`);
  assert.equal(sent?.parentSpanId, routed?.spanId);
  assert.equal(sent?.attributes['messaging.destination.name'], testEnv.notifTopic);
  assert.equal(notified?.name, `process ${testEnv.notifTopic}`);
  assert.equal(notified?.parentSpanId, sent?.spanId);
  assert.equal(notified?.attributes['messaging.consumer.group.name'], testEnv.notifierGroup);
  assert.equal(notified?.attributes['outbox.outcome'], 'sent');
  assert.deepEqual(notified?.links, []);

  // Three processes, one trace id.
  assert.deepEqual(new Set(Object.values(spans).map((span) => span?.service)), new Set(['outbox-api-server', 'outbox-router', 'outbox-notifier']));
});

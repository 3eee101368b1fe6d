import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { AppError } from '../errors.ts';
import { tracer } from '../tracing/tracer.ts';
import type { SourceRecord } from './dead-letter.ts';
import { observeGroup } from './group-observer.ts';
import { tracingObserver } from './group-tracing.ts';

// A real SDK with an in-memory exporter: each test file runs in its own process, so the globals stay here.
const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));

const traceA = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const traceB = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const record = (offset: number, traceparent: string): SourceRecord => ({
  topic: 'notif.user.registration',
  partition: 2,
  offset: String(offset),
  timestamp: '0',
  key: Buffer.from('user-1'),
  value: null,
  headers: { traceparent },
});
const observer = observeGroup(
  (r) => ({ traceparent: String(r.headers?.traceparent), eventId: `event-${r.offset}` }),
  [tracingObserver({ stage: 'notifier', group: 'notification-sender', topic: 'notif.user.registration' })],
);

test("one record: a CONSUMER span, child of the record's context, parent of the handler's spans", async () => {
  exporter.reset();
  const observation = observer.start([record(7, traceA)]);
  await observation.within(async () => tracer.startActiveSpan('inner', (span) => span.end()));
  observation.finished({ kind: 'handled', outcome: 'sent' });
  const [inner, processed] = exporter.getFinishedSpans();
  assert.equal(processed?.name, 'process notif.user.registration');
  assert.equal(processed?.kind, SpanKind.CONSUMER);
  assert.equal(processed?.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(processed?.parentSpanContext?.spanId, 'b7ad6b7169203331');
  assert.deepEqual(processed?.links, []);
  assert.equal(inner?.parentSpanContext?.spanId, processed?.spanContext().spanId);
  assert.equal(inner?.spanContext().traceId, processed?.spanContext().traceId);
  assert.deepEqual(
    {
      system: processed?.attributes['messaging.system'],
      operation: processed?.attributes['messaging.operation.type'],
      destination: processed?.attributes['messaging.destination.name'],
      partition: processed?.attributes['messaging.destination.partition.id'],
      offset: processed?.attributes['messaging.kafka.offset'],
      key: processed?.attributes['messaging.kafka.message.key'],
      group: processed?.attributes['messaging.consumer.group.name'],
      id: processed?.attributes['messaging.message.id'],
      outcome: processed?.attributes['outbox.outcome'],
    },
    {
      system: 'kafka',
      operation: 'process',
      destination: 'notif.user.registration',
      partition: '2',
      offset: 7,
      key: 'user-1',
      group: 'notification-sender',
      id: 'event-7',
      outcome: 'sent',
    },
  );
});

test("a batch of several traces: a span of its own trace, linked to each record's context", () => {
  exporter.reset();
  const observation = observer.start([record(1, traceA), record(2, traceB)]);
  observation.finished({ kind: 'handled', outcome: 'sent' });
  const [processed] = exporter.getFinishedSpans();
  assert.equal(processed?.parentSpanContext, undefined);
  assert.notEqual(processed?.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.deepEqual(
    processed?.links.map((link) => `${link.context.traceId}/${link.context.spanId}`),
    ['0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331', '4bf92f3577b34da6a3ce929d0e0e4736/00f067aa0ba902b7'],
  );
  assert.equal(processed?.attributes['messaging.batch.message_count'], 2);
});

test('a dead letter marks the span as an error with its code; retries are events', () => {
  exporter.reset();
  const observation = observer.start([record(3, traceA)]);
  observation.retrying(new AppError('TIMEOUT', 'slow'));
  observation.finished({ kind: 'dead-lettered', code: 'NOTIFICATION_NOT_FOUND' });
  const [processed] = exporter.getFinishedSpans();
  assert.equal(processed?.status.code, 2);
  assert.equal(processed?.attributes['error.type'], 'NOTIFICATION_NOT_FOUND');
  assert.deepEqual(
    processed?.events.map((event) => [event.name, event.attributes?.['error.type']]),
    [['retry', 'TIMEOUT']],
  );
});

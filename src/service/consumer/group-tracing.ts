import { type Attributes, context, type Link, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { kafkaSystem, messaging } from '../tracing/messaging-attributes.ts';
import { contextFromTraceparent, spanContextOf, tracer } from '../tracing/tracer.ts';
import type { ObservedRecord, RecordObserver } from './group-observer.ts';

/**
 * One CONSUMER span per unit of work ("process <topic>", OpenTelemetry messaging conventions),
 * covering every attempt, the backoffs between them and the dead-letter write; the handler's own
 * spans (the router's send) are its children.
 *
 * A unit of one record continues that record's trace: its span is a CHILD of the context the record
 * carries (the outbox row's traceparent for the router, the routed record's header for the
 * notifier), so a registration reads as one trace from the HTTP request to the SENT transaction.
 * A unit of several records (a batch in one transaction) belongs to several traces and a span has
 * one parent: it starts its own trace and LINKS to each record's context, as the conventions
 * prescribe for batches, so every trace still leads to the transaction that handled it.
 */
export function tracingObserver({ stage, group, topic }: { stage: string; group: string; topic: string }): RecordObserver {
  return {
    start(observed: readonly ObservedRecord[]) {
      const single = observed.length === 1 ? observed[0] : undefined;
      const parent = single === undefined ? ROOT_CONTEXT : contextFromTraceparent(single.facts.traceparent);
      const links: Link[] =
        single === undefined
          ? observed.flatMap(({ facts }) => {
              const linked = spanContextOf(facts.traceparent);
              return linked === undefined ? [] : [{ context: linked }];
            })
          : [];
      const span = tracer.startSpan(
        `process ${topic}`,
        {
          kind: SpanKind.CONSUMER,
          links,
          attributes: {
            [messaging.system]: kafkaSystem,
            [messaging.operationType]: 'process',
            [messaging.operationName]: 'process',
            [messaging.destinationName]: topic,
            [messaging.consumerGroupName]: group,
            'outbox.stage': stage,
            ...(single === undefined ? { [messaging.batchMessageCount]: observed.length } : recordAttributes(single)),
          },
        },
        parent,
      );
      const active = trace.setSpan(parent, span);
      return {
        within: (work) => context.with(active, work),
        attempted: () => {},
        retrying: (error) => span.addEvent('retry', { 'error.type': error.code, 'exception.message': error.message }),
        finished: (result) => {
          if (result.kind === 'handled') span.setAttribute('outbox.outcome', result.outcome);
          else if (result.kind === 'dead-lettered') {
            span.setAttributes({ 'outbox.outcome': 'dead_lettered', 'error.type': result.code });
            span.setStatus({ code: SpanStatusCode.ERROR, message: `dead-lettered: ${result.code}` });
          } else span.setAttribute('outbox.outcome', 'left_uncommitted');
          span.end();
        },
      };
    },
  };
}

function recordAttributes({ record, facts }: ObservedRecord): Attributes {
  return {
    [messaging.partitionId]: String(record.partition),
    [messaging.kafkaOffset]: Number(record.offset),
    ...(record.key === null ? {} : { [messaging.kafkaMessageKey]: record.key.toString('utf8') }),
    ...(facts.eventId === undefined ? {} : { [messaging.messageId]: facts.eventId }),
    ...(facts.eventType === undefined ? {} : { 'outbox.event_type': facts.eventType }),
  };
}

import { type Context, context, propagation, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';

/** The project's tracer; a no-op until startTracing() registered the SDK. */
export const tracer = trace.getTracer('outbox-debezium');

const textCarrier = {
  get: (carrier: Record<string, unknown>, key: string) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return undefined;
  },
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
};

/** The W3C traceparent of the active span, when tracing is on and a span is active. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a traceparent (from a header, an outbox column) continues; ROOT when tracing is off or it is not valid. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (traceparent === undefined) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent }, textCarrier);
}

/** The span context a traceparent names, for a link; undefined when it names none. */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const found = trace.getSpanContext(contextFromTraceparent(traceparent));
  return found !== undefined && trace.isSpanContextValid(found) ? found : undefined;
}

/** Writes the active context into message headers (traceparent, tracestate, baggage); nothing when tracing is off. */
export function injectActiveContext(headers: Record<string, unknown>): void {
  propagation.inject(context.active(), headers);
}

/** The context carried by request headers (a Fetch Headers object). */
export function contextFromHeaders(headers: Headers): Context {
  return propagation.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => carrier.get(key) ?? undefined,
    keys: (carrier) => [...carrier.keys()],
  });
}

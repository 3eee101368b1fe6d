import { context, type DiagLogger, DiagLogLevel, diag, propagation, trace } from '@opentelemetry/api';
import type { Logger } from '../logger.ts';
import { samplerFromEnv } from './sampler-from-env.ts';

export interface Tracing {
  readonly enabled: boolean;
  /** Exports the spans still buffered; call once, before the process exits. */
  shutdown(): Promise<void>;
}

const disabled: Tracing = { enabled: false, shutdown: async () => {} };

/**
 * Wires the OpenTelemetry SDK once, at process start, when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * (and OTEL_SDK_DISABLED is not true); otherwise the @opentelemetry/api calls in the code stay
 * no-ops and the SDK is not even loaded. Spans go over OTLP/HTTP through a batch processor; the
 * standard variables apply: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG),
 * OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS and _TIMEOUT, OTEL_BSP_*. Context travels as W3C
 * traceparent (and baggage).
 *
 * The pieces (sdk-trace, the OTLP/HTTP exporter, the AsyncLocalStorage context manager) rather
 * than @opentelemetry/sdk-node: sdk-node brings every exporter of every signal, 67 packages that
 * take 1.7 s to load here, against 0.2 s for these.
 */
export async function startTracing(serviceName: string, logger: Logger, env: Record<string, string | undefined> = process.env): Promise<Tracing> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return disabled;
  const [{ AsyncLocalStorageContextManager }, core, sdk, { OTLPTraceExporter }, resources] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const otelLogger = logger.child({ component: 'opentelemetry' });
  // Export failures (no collector listening) are reported, once per batch, instead of vanishing.
  diag.setLogger(diagThrough(otelLogger), DiagLogLevel.WARN);

  const choice = samplerFromEnv(env);
  if (choice.problem !== undefined) otelLogger.warn(choice.problem);
  const root =
    choice.root === 'always_on'
      ? new sdk.AlwaysOnSampler()
      : choice.root === 'always_off'
        ? new sdk.AlwaysOffSampler()
        : new sdk.TraceIdRatioBasedSampler(choice.ratio);
  const sampler = choice.parentBased ? new sdk.ParentBasedSampler({ root }) : root;

  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': serviceName }))
    .merge(resources.detectResources({ detectors: [resources.resourceAttributesEnvDetector, resources.serviceNameEnvDetector] }));
  const processor = new sdk.BatchSpanProcessor({
    exporter: new OTLPTraceExporter(),
    maxQueueSize: numberFrom(env.OTEL_BSP_MAX_QUEUE_SIZE),
    maxExportBatchSize: numberFrom(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE),
    scheduledDelayMillis: numberFrom(env.OTEL_BSP_SCHEDULE_DELAY),
    exportTimeoutMillis: numberFrom(env.OTEL_BSP_EXPORT_TIMEOUT),
  });
  const provider = new sdk.TracerProvider({ resource, sampler, spanProcessors: [processor] });

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
  otelLogger.info(
    { endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT, sampler: choice },
    'tracing on: spans exported over OTLP/HTTP',
  );
  return {
    enabled: true,
    shutdown: () => provider.shutdown().catch((error: unknown) => otelLogger.warn({ err: error }, 'flushing the last spans failed')),
  };
}

function numberFrom(raw: string | undefined): number | undefined {
  const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function diagThrough(logger: Logger): DiagLogger {
  const line =
    (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') =>
    (message: string, ...args: unknown[]) =>
      logger[level]({ details: args.map((arg) => (arg instanceof Error ? arg.message : arg)) }, message);
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug'), verbose: line('trace') };
}

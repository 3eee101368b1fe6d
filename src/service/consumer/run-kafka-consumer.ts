import { createConnectClient } from '../cdc/connect-client.ts';
import { loadConnectorConfig } from '../cdc/connector-config.ts';
import type { Config } from '../config.ts';
import { resolveStages, type StageName } from '../contract/stages.ts';
import { createDatabase, type Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { createKafka, type Producer } from '../kafka/client.ts';
import { lagSample } from '../kafka/consumer-stats.ts';
import { topicDepth } from '../kafka/topic-depth.ts';
import { createLogger, type Logger } from '../logger.ts';
import { type MetricsServer, startMetricsServer } from '../metrics/metrics-server.ts';
import { createMetricsRegistry, type MetricsRegistry } from '../metrics/registry.ts';
import { createLogSender, type NotificationSender } from '../notifications/notification-sender.ts';
import { startRetention } from '../retention/run-retention.ts';
import { type RunningGroup, startConsumerGroup } from './consumer-group.ts';
import { createDeadLetterSink } from './dead-letter-sink.ts';
import { createConsumerMetrics } from './group-metrics.ts';
import { observeGroup, type RecordObserver } from './group-observer.ts';
import { tracingObserver } from './group-tracing.ts';
import { createConsumerProducer, createGroupConsumer } from './kafka-clients.ts';
import { createPipelineGauges, watchPipelineState } from './pipeline-metrics.ts';
import type { KafkaState } from './pipeline-state.ts';
import { type RetryPolicy, worstCaseRetryMs } from './retry.ts';
import { startProjector } from './run-projector.ts';
import { type StageResources, stageHandlers } from './stage-handlers.ts';
import { createStallWatch } from './stall-watch.ts';

export interface RunKafkaConsumerOptions {
  config: Config;
  logger: Logger;
  groups: readonly StageName[];
  /** Resolves when the process is asked to stop (a signal). */
  stopRequested: Promise<unknown>;
  /**
   * Called once when shutdown begins, with the exit code it is heading for: the caller bounds the
   * shutdown (a handler stuck on a database lock must not keep a stalled process alive forever).
   */
  onShutdown?: (exitCode: number) => void;
  sender?: NotificationSender;
  /** Traces each record (the OpenTelemetry SDK was started, start-tracing.ts). */
  tracing?: boolean;
}

const countsLogIntervalMs = 30_000;

/**
 * Runs the pipeline's stages (contract/stages.ts; all of them unless `groups` names some) until a stop is requested (exit code 0 once drained
 * and committed) or something makes going on unsafe: a dead-letter write failing for good, or
 * a group stalled with lag (exit code 1, so a supervisor restarts the process).
 */
export async function runKafkaConsumer({
  config,
  logger,
  groups,
  stopRequested,
  onShutdown,
  sender,
  tracing = false,
}: RunKafkaConsumerOptions): Promise<number> {
  const retry: RetryPolicy = {
    maxAttempts: config.RETRY_MAX_ATTEMPTS,
    baseDelayMs: config.RETRY_BASE_DELAY_MS,
    maxDelayMs: config.RETRY_MAX_DELAY_MS,
    outageMs: config.RETRY_OUTAGE_MS,
  };
  checkRetryBudget(config, retry);

  let failure: AppError | undefined;
  let signalFailure: (error: AppError) => void = () => {};
  const failed = new Promise<AppError>((resolve) => (signalFailure = resolve));
  const onFatal = (error: AppError) => {
    failure ??= error;
    logger.error({ err: error, code: error.code }, 'cannot go on safely; stopping so a restart can retry');
    signalFailure(error);
  };

  const kafka = createKafka(config);
  const producer = createConsumerProducer(kafka, config);
  // No admin client: the lag comes from each group's own statistics and the dead-letter depth from
  // the producer's connections, because an admin request in flight when a broker dies can abort
  // this process inside librdkafka (see topic-depth.ts).
  const livenessIntervalMs = Math.max(200, Math.min(15_000, Math.floor(config.STALL_TIMEOUT_MS / 4)));
  const statsIntervalMs = Math.min(livenessIntervalMs, config.METRICS_POLL_INTERVAL_MS);
  let db: Db | undefined;
  const running: RunningGroup[] = [];
  const timers: NodeJS.Timeout[] = [];
  // METRICS_PORT=0: no registry, no observer, no pipeline reads; what the bench compares against.
  const registry = config.METRICS_PORT > 0 ? createMetricsRegistry() : undefined;
  const metrics = registry === undefined ? undefined : createConsumerMetrics(registry);
  let metricsServer: MetricsServer | undefined;
  let pipelineWatch: { stop: () => void } | undefined;
  let retention: { stop: () => Promise<void> } | undefined;
  let ready = false;

  try {
    await connect(producer, config);
    if (registry !== undefined) {
      metricsServer = await startMetricsServer(registry, { host: config.HOST, port: config.METRICS_PORT, logger, isReady: () => ready });
      pipelineWatch = await watchPipeline(config, () => readKafkaState(config, producer, running), registry, logger);
    }
    const resources: StageResources = {
      config,
      producer,
      logger,
      database: () =>
        (db ??= createDatabase({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, applicationName: `kafka-consumer:${process.pid}` })),
      // The log line IS the send: written synchronously, so a crash right after the commit cannot lose it.
      sender: sender ?? createLogSender(createLogger(config.LOG_LEVEL, 'kafka-consumer', { sync: true }).child({ component: 'notifier' })),
    };
    for (const stage of resolveStages(config, groups)) {
      const binding = stageHandlers[stage.name](resources);
      if (binding.kind === 'projection') {
        running.push(
          await startProjector({
            name: stage.name,
            stage: stage.deadLetterStage,
            topic: stage.inputTopic,
            groupId: stage.groupId,
            kafka,
            db: resources.database(),
            schema: binding.schema,
            deadLetter: createDeadLetterSink(producer, config.DLQ_TOPIC),
            retry,
            sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
            maxPollIntervalMs: config.CONSUMER_MAX_POLL_INTERVAL_MS,
            statsIntervalMs,
            logger: logger.child({ component: stage.name }),
            onFatal,
          }),
        );
        continue;
      }
      const observers: RecordObserver[] = [];
      // Tracing first: its context is the outermost, so spans started while metrics record are children.
      if (tracing) observers.push(tracingObserver({ stage: stage.name, group: stage.groupId, topic: stage.inputTopic }));
      if (metrics !== undefined) observers.push(metrics.observer({ stage: stage.name, group: stage.groupId, effect: binding.effect }));
      running.push(
        await startConsumerGroup({
          name: stage.name,
          stage: stage.deadLetterStage,
          topic: stage.inputTopic,
          logger: logger.child({ component: stage.name }),
          createConsumer: (onRebalance, onStats) =>
            createGroupConsumer(kafka, config, stage.groupId, onRebalance, { listener: onStats, intervalMs: statsIntervalMs }),
          handle: binding.handle,
          observer: observeGroup(binding.describe, observers),
          maxInFlight: binding.maxInFlight ?? config.MAX_IN_FLIGHT,
          deadLetter: createDeadLetterSink(producer, config.DLQ_TOPIC),
          retry,
          attemptTimeoutMs: config.RECORD_ATTEMPT_TIMEOUT_MS,
          onFatal,
          drainTimeoutMs: Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS - 4_000),
        }),
      );
    }
    retention = startRetention({ config, database: resources.database, logger: logger.child({ component: 'retention' }), registry });
    void Promise.all(running.map((group) => group.ready)).then(() => {
      ready = true;
      logger.info({ groups: running.map((group) => group.name) }, 'kafka-consumer ready');
    });

    timers.push(watchLiveness(running, config, livenessIntervalMs, onFatal));
    timers.push(setInterval(() => logStats(running, logger), countsLogIntervalMs));

    const reason = await Promise.race([stopRequested.then(() => 'stop requested'), failed.then((error) => error.message)]);
    logger.info({ reason }, 'shutting down: no new records, finishing in-flight ones, committing');
  } finally {
    onShutdown?.(failure === undefined ? 0 : 1);
    for (const timer of timers) clearInterval(timer);
    pipelineWatch?.stop();
    await Promise.allSettled([retention?.stop(), ...running.map((group) => group.stop())]);
    await producer.flush({ timeout: 2_000 }).catch(() => {});
    await Promise.allSettled([producer.disconnect(), db?.destroy(), metricsServer?.close()]);
    logStats(running, logger);
  }
  return failure === undefined ? 0 : 1;
}

/** The pipeline's state for the metrics: this process is the one that reads it (see the README, "Observe it"). */
async function watchPipeline(config: Config, kafka: () => Promise<KafkaState>, registry: MetricsRegistry, logger: Logger): Promise<{ stop: () => void }> {
  const connectorName = (await loadConnectorConfig(config)).name;
  const gauges = createPipelineGauges(registry, { slotName: config.SLOT_NAME, connectorName, deadLetterTopic: config.DLQ_TOPIC });
  return watchPipelineState(
    {
      databaseUrl: config.DATABASE_URL,
      slotName: config.SLOT_NAME,
      connect: createConnectClient(config.CONNECT_URL, { timeoutMs: 3_000 }),
      connectorName,
      kafka,
    },
    gauges,
    { intervalMs: config.METRICS_POLL_INTERVAL_MS, logger: logger.child({ component: 'pipeline-metrics' }) },
  );
}

/** Kafka's part of the pipeline metrics: the dead-letter depth, and the lag of the partitions each group has here. */
async function readKafkaState(config: Config, producer: Producer, groups: readonly RunningGroup[]): Promise<KafkaState> {
  const stages = new Map(resolveStages(config).map((stage) => [stage.name as string, stage]));
  const lags = groups.flatMap((group) => {
    const stage = stages.get(group.name);
    return stage === undefined ? [] : [{ stage, partitions: group.lags() }];
  });
  return { deadLetterDepth: await topicDepth(producer, config.DLQ_TOPIC), lags };
}

function watchLiveness(groups: readonly RunningGroup[], config: Config, intervalMs: number, onFatal: (error: AppError) => void): NodeJS.Timeout {
  const watches = new Map(groups.map((group) => [group.name, createStallWatch(config.STALL_TIMEOUT_MS)]));
  return setInterval(() => {
    for (const group of groups) {
      // A lag that cannot be told (no statistics yet, leaders down) is no sample: an outage is not this group's stall.
      const lag = lagSample(group.assignment().length, group.lags());
      if (lag === undefined) continue;
      const verdict = watches.get(group.name)!({ lag, progress: group.progress(), now: Date.now() });
      if (verdict.stalled) {
        onFatal(new AppError('TIMEOUT', `${group.name} made no progress for ${verdict.sinceMs} ms with ${verdict.lag} records waiting`));
        return;
      }
    }
  }, intervalMs);
}

function logStats(groups: readonly RunningGroup[], logger: Logger): void {
  for (const group of groups) logger.info({ group: group.name, counts: group.counters.snapshot() }, 'consumer counts');
}

/** Retries, then the dead-letter write's own retries, must fit in the poll interval (see the group loop). */
function checkRetryBudget(config: Config, retry: RetryPolicy): void {
  // A send cannot be cancelled once librdkafka has it: it must end (message.timeout.ms) before the attempt does.
  if (config.KAFKA_SEND_TIMEOUT_MS >= config.RECORD_ATTEMPT_TIMEOUT_MS) {
    throw new AppError(
      'CONFIG_INVALID',
      `KAFKA_SEND_TIMEOUT_MS=${config.KAFKA_SEND_TIMEOUT_MS} must be below RECORD_ATTEMPT_TIMEOUT_MS=${config.RECORD_ATTEMPT_TIMEOUT_MS}: a send outliving its attempt would run beside the retry`,
    );
  }
  const worst = 2 * worstCaseRetryMs(retry, config.RECORD_ATTEMPT_TIMEOUT_MS);
  if (worst >= config.CONSUMER_MAX_POLL_INTERVAL_MS) {
    throw new AppError(
      'CONFIG_INVALID',
      `a record may retry for up to ${worst} ms (RETRY_*, RETRY_OUTAGE_MS and RECORD_ATTEMPT_TIMEOUT_MS), not below CONSUMER_MAX_POLL_INTERVAL_MS=${config.CONSUMER_MAX_POLL_INTERVAL_MS}`,
    );
  }
}

async function connect(client: Producer, config: Config): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    throw new AppError('KAFKA_UNAVAILABLE', `Kafka is unreachable at ${config.KAFKA_BROKERS}: start it with \`make up\` or set KAFKA_BROKERS`, {
      cause: error,
    });
  }
}

import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createConnectClient } from '../../service/cdc/connect-client.ts';
import type { Config } from '../../service/config.ts';
import { describeHashParams } from '../../service/users/password-hash.ts';
import { hashParamsOf } from '../../service/users/password-hashing.ts';
import type { BenchPlan } from './bench-plan.ts';
import { runCdcLatency } from './cdc-latency.ts';
import { runCdcThroughput } from './cdc-throughput.ts';
import { describeSettings, drainOrder } from './connector-settings.ts';
import { type ConnectorVariant, startConnectorVariant } from './connector-variant.ts';
import { type ConsumerHandle, ensureConsumer, waitForCaughtUp } from './ensure-consumer.ts';
import { runFlood } from './flood.ts';
import { runHashingCost } from './hashing-cost.ts';
import { runHttpLatency } from './http-latency.ts';
import { runKafkaBaseline } from './kafka-baseline.ts';
import { methodNotes } from './method-notes.ts';
import { notifierDrainBatchMaxes, runNotifierDrain } from './notifier-drain.ts';
import { observabilityVariants, runObservabilityCost } from './observability-cost.ts';
import { openBenchContext } from './open-bench-context.ts';
import { runPipelineDrain } from './pipeline-drain.ts';
import { runPollingLatency } from './polling-latency.ts';
import { startPollingRelay } from './polling-relay.ts';
import { ensurePollingTable } from './polling-table.ts';
import { runPollingThroughput } from './polling-throughput.ts';
import { runProjectionBench } from './projection-bench.ts';
import { type ReportPaths, writeReportFiles } from './report-files.ts';
import type { BenchReport } from './report-schema.ts';
import { routerDrainVariants, runRouterDrain } from './router-drain.ts';
import { evaluateTargets } from './targets.ts';
import { runTopologies } from './topologies-bench.ts';
import { runWriteOverhead } from './write-overhead.ts';

export const pollingTopic = 'bench.polling.outbox_events';

// Knobs of the running connector that bound CDC latency and throughput, recorded with each run.
const connectorKnobs = ['poll.interval.ms', 'max.batch.size', 'max.queue.size', 'producer.override.linger.ms', 'producer.override.batch.size'];

export interface RunBenchOptions {
  config: Config;
  plan: BenchPlan;
  resultsRoot: string;
  progress: (message: string) => void;
}

/** Runs the planned scenarios against the running stack and writes the report; failures of one scenario are reported, not fatal. */
export async function runBench({ config, plan, resultsRoot, progress }: RunBenchOptions): Promise<{ report: BenchReport; paths: ReportPaths; table: string }> {
  const startedAt = new Date();
  const directory = path.join(resultsRoot, `${startedAt.toISOString().replace(/[:.]/g, '-')}-${plan.mode}`);
  await mkdir(directory, { recursive: true });
  const problems: string[] = [];
  const report: BenchReport = {
    schemaVersion: 1,
    mode: plan.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    method: methodNotes(plan, pollingTopic),
    settings: {},
    latency: [],
    http: null,
    throughput: [],
    writeOverhead: null,
    kafkaBaseline: null,
    hashingCost: [],
    flood: null,
    connectorVariant: null,
    observability: [],
    notifierDrain: [],
    routerDrain: [],
    pipelineDrain: [],
    projection: null,
    topologies: null,
    targets: [],
    problems,
    zeroLoss: true,
  };

  const tag = `${startedAt.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
  const { context, close } = await openBenchContext(config, { tag, progress, pollingTopic });
  const { db, kafka, admin, watches } = context;
  let consumer: ConsumerHandle | undefined;
  try {
    await ensurePollingTable(db);

    const needsPipeline = ['latency', 'http', 'hashing', 'flood', 'throughput', 'overhead', 'pipeline-drain', 'projection', 'topologies'].some((name) =>
      plan.scenarios.has(name as never),
    );
    if (needsPipeline) {
      consumer = await ensureConsumer(admin, config, { logPath: path.join(directory, 'kafka-consumer.log'), progress });
      await waitForCaughtUp(admin, config, { progress });
    }
    report.settings = await settingsOf(config, plan, consumer?.spawned ?? false, problems);

    const attempt = async (name: string, step: () => Promise<void>) => {
      try {
        await step();
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message}`);
        progress(`${name} FAILED: ${(error as Error).message}`);
      }
    };

    if (plan.scenarios.has('latency')) {
      let variant: ConnectorVariant | undefined;
      if (plan.connectorVariant !== undefined) {
        await attempt('connector variant', async () => {
          variant = await startConnectorVariant(context, plan.connectorVariant!, { logPath: path.join(directory, 'variant-kafka-consumer.log') });
          report.connectorVariant = { overrides: variant.overrides };
        });
      }
      try {
        for (const ratePerSecond of plan.latencyRates) {
          await attempt(`cdc latency ${ratePerSecond}/s`, async () => {
            report.latency.push(
              await runCdcLatency(context, { ratePerSecond, durationMs: plan.latencyDurationMs, drainTimeoutMs: plan.drainTimeoutMs, variant }),
            );
          });
        }
      } finally {
        await variant?.remove();
      }
    }
    if (plan.scenarios.has('polling')) {
      const producer = kafka.producer({ 'linger.ms': 5, partitioner: 'murmur2_random', kafkaJS: { acks: -1 } });
      await producer.connect();
      const relay = startPollingRelay({
        db,
        producer,
        topic: pollingTopic,
        intervalMs: plan.pollingIntervalMs,
        batchSize: plan.pollingBatchSize,
        onError: (error) => problems.push(`polling relay: ${(error as Error).message}`),
      });
      try {
        for (const ratePerSecond of plan.latencyRates) {
          await attempt(`polling latency ${ratePerSecond}/s`, async () => {
            report.latency.push(await runPollingLatency(context, { ratePerSecond, durationMs: plan.latencyDurationMs, drainTimeoutMs: plan.drainTimeoutMs }));
          });
        }
        await attempt('polling throughput', async () => {
          report.throughput.push(
            await runPollingThroughput(context, {
              events: plan.pollingThroughputEvents,
              batchSize: plan.batchSize,
              insertConcurrency: plan.insertConcurrency,
              drainTimeoutMs: plan.drainTimeoutMs,
            }),
          );
        });
      } finally {
        await relay.stop();
        await producer.disconnect();
      }
      progress(`polling relay: ${relay.relayed()} rows in ${relay.polls()} polls`);
    }
    if (plan.scenarios.has('http')) {
      await attempt('http latency', async () => {
        report.http = await runHttpLatency(context, { durationMs: plan.httpDurationMs, drainTimeoutMs: plan.drainTimeoutMs, loadShare: plan.httpLoadShare });
      });
    }
    if (plan.scenarios.has('hashing')) {
      await attempt('hashing cost', async () => {
        report.hashingCost = await runHashingCost(context, { durationMs: plan.hashingDurationMs, drainTimeoutMs: plan.drainTimeoutMs });
      });
    }
    if (plan.scenarios.has('flood')) {
      await attempt('flood', async () => {
        report.flood = await runFlood(context, { requests: plan.floodRequests, drainTimeoutMs: plan.drainTimeoutMs });
        // Partial rows break the atomicity guarantee: a failure, not a result.
        if (!report.flood.rows.ok) problems.push(`flood: the database holds partial registrations: ${JSON.stringify(report.flood.rows)}`);
      });
    }
    if (plan.scenarios.has('throughput')) {
      await attempt('cdc throughput', async () => {
        report.throughput.unshift(
          await runCdcThroughput(context, {
            events: plan.throughputEvents,
            batchSize: plan.batchSize,
            insertConcurrency: plan.insertConcurrency,
            drainTimeoutMs: plan.drainTimeoutMs,
          }),
        );
      });
    }
    if (plan.scenarios.has('overhead')) {
      await attempt('write overhead', async () => {
        progress(
          `write overhead: ${plan.overhead.rounds} rounds of ${plan.overhead.perRound} transactions per variant, at ${plan.overhead.ratePerSecond}/s then ${plan.overhead.concurrency} clients`,
        );
        report.writeOverhead = await runWriteOverhead(db, context.tag, { ...plan.overhead, drainTimeoutMs: plan.drainTimeoutMs }, progress);
      });
    }
    if (plan.scenarios.has('observability')) {
      const { rounds, ...sizes } = plan.observability;
      for (let round = 1; round <= rounds; round++) {
        // Alternating order (ABC, CBA, ...), so a drift of the machine's load does not favour one variant.
        const order = round % 2 === 1 ? [...observabilityVariants] : [...observabilityVariants].reverse();
        for (const variant of order) {
          await attempt(`observability cost ${variant}`, async () => {
            const run = await runObservabilityCost(context, { variant, round, ...sizes, drainTimeoutMs: plan.drainTimeoutMs, logDirectory: directory });
            if (!run.delivered) problems.push(`observability cost ${variant}: not every event was SENT`);
            report.observability.push(run);
          });
        }
      }
    }
    if (plan.scenarios.has('notifier-drain')) {
      for (let round = 1; round <= plan.notifierDrain.rounds; round++) {
        // Alternating order, so a drift of the machine's load does not favour one setting.
        const order = round % 2 === 1 ? [...notifierDrainBatchMaxes] : [...notifierDrainBatchMaxes].reverse();
        for (const batchMax of order) {
          await attempt(`notifier drain NOTIFIER_BATCH_MAX=${batchMax}`, async () => {
            const run = await runNotifierDrain(context, {
              batchMax,
              round,
              events: plan.notifierDrain.events,
              drainTimeoutMs: plan.drainTimeoutMs,
              logDirectory: directory,
            });
            if (!run.delivered)
              problems.push(`notifier drain NOTIFIER_BATCH_MAX=${batchMax}: ${run.events - run.notifier.events} not SENT, ${run.deadLetters} dead-lettered`);
            report.notifierDrain.push(run);
          });
        }
      }
    }
    if (plan.scenarios.has('pipeline-drain')) {
      for (const connector of drainOrder(plan.pipelineDrainConnector, plan.pipelineDrainRounds)) {
        await attempt(`pipeline drain (${describeSettings(connector)})`, async () => {
          report.pipelineDrain.push(
            await runPipelineDrain(context, {
              events: plan.pipelineDrainEvents,
              batchSize: plan.batchSize,
              insertConcurrency: plan.insertConcurrency,
              drainTimeoutMs: plan.drainTimeoutMs,
              connector,
              ...(consumer?.pid === undefined ? {} : { consumerPid: consumer.pid }),
            }),
          );
        });
      }
    }
    if (plan.scenarios.has('router-drain')) {
      for (let round = 1; round <= plan.routerDrain.rounds; round++) {
        const variants = Object.keys(routerDrainVariants);
        for (const variant of round % 2 === 1 ? variants : variants.reverse()) {
          await attempt(`router drain ${variant}`, async () => {
            const run = await runRouterDrain(context, {
              variant,
              round,
              events: plan.routerDrain.events,
              drainTimeoutMs: plan.drainTimeoutMs,
              logDirectory: directory,
            });
            if (!run.delivered) problems.push(`router drain ${variant}: ${run.events - run.router.events} not routed`);
            report.routerDrain.push(run);
          });
        }
      }
    }
    if (plan.scenarios.has('projection')) {
      await attempt('projection', async () => {
        report.projection = await runProjectionBench(context, { ...plan.projection, batchSize: plan.batchSize, drainTimeoutMs: plan.drainTimeoutMs });
      });
    }
    if (plan.scenarios.has('topologies')) {
      await attempt('topologies', async () => {
        const { rounds, ratePerSecond, durationMs, warmupMs } = plan.topologies;
        progress(
          `topologies: commit -> SENT at ${ratePerSecond}/s, single node and a cluster started beside it, ${rounds} rounds of ${durationMs / 1000} s each`,
        );
        report.topologies = await runTopologies(context, {
          rounds,
          ratePerSecond,
          durationMs,
          warmupMs,
          drainTimeoutMs: plan.drainTimeoutMs,
          directory,
          pollingTopic,
          problems,
          ...(consumer?.pid === undefined ? {} : { singleConsumerPid: consumer.pid }),
        });
      });
    }
    if (plan.scenarios.has('baseline')) {
      await attempt('kafka baseline', async () => {
        // Records the size of the CDC topic's records, when the run saw any.
        const seen = watches.cdc.records();
        const valueBytes = seen > 0 ? Math.round(watches.cdc.valueBytes() / seen) : 1_024;
        progress(`kafka baseline: ${plan.baselineRecords} records of ${valueBytes} B`);
        report.kafkaBaseline = await runKafkaBaseline({
          kafka,
          admin,
          records: plan.baselineRecords,
          valueBytes,
          partitions: config.TOPIC_PARTITIONS,
          progress,
          timeoutMs: plan.drainTimeoutMs,
        });
      });
    }
  } finally {
    await consumer?.stop().catch((error: unknown) => problems.push(`stopping kafka-consumer: ${(error as Error).message}`));
    await close();
  }

  report.finishedAt = new Date().toISOString();
  report.targets = evaluateTargets(report);
  const runs = [
    ...report.latency,
    ...report.throughput,
    ...report.pipelineDrain,
    ...(report.http?.run ? [report.http.run] : []),
    ...(report.kafkaBaseline ? [report.kafkaBaseline] : []),
    ...(report.topologies?.rounds.map((round) => round.run) ?? []),
  ];
  report.zeroLoss = runs.every((run) => run.loss.ok) && report.notifierDrain.every((run) => run.delivered) && report.routerDrain.every((run) => run.delivered);
  const { paths, table } = await writeReportFiles(directory, report);
  return { report, paths, table };
}

async function settingsOf(config: Config, plan: BenchPlan, consumerSpawned: boolean, problems: string[]): Promise<BenchReport['settings']> {
  const settings: BenchReport['settings'] = {
    latencyRates: plan.latencyRates.join(','),
    latencyDurationMs: plan.latencyDurationMs,
    throughputEvents: plan.throughputEvents,
    batchSize: plan.batchSize,
    insertConcurrency: plan.insertConcurrency,
    pollingIntervalMs: plan.pollingIntervalMs,
    pollingBatchSize: plan.pollingBatchSize,
    topicPartitions: config.TOPIC_PARTITIONS,
    consumerMaxInFlight: config.MAX_IN_FLIGHT,
    consumerSpawnedByBench: consumerSpawned,
    passwordHash: describeHashParams(hashParamsOf(config)),
    hashConcurrency: config.HASH_CONCURRENCY,
    hashQueueMax: config.HASH_QUEUE_MAX,
  };
  try {
    const connect = createConnectClient(config.CONNECT_URL, { timeoutMs: 5_000 });
    for (const name of await connect.listConnectors()) {
      const connectorConfig = (await connect.getConfig(name)) ?? {};
      for (const knob of connectorKnobs) settings[`connector.${knob}`] = connectorConfig[knob] ?? 'default';
    }
  } catch (error) {
    problems.push(`reading the connector config: ${(error as Error).message}`);
  }
  return settings;
}

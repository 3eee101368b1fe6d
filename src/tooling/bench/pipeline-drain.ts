import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { type ConnectClient, createConnectClient } from '../../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../service/cdc/connector-config.ts';
import { waitFor } from '../../service/wait-for.ts';
import { stackPaths } from '../stack/paths.ts';
import type { BenchContext } from './bench-context.ts';
import { dlqCount } from './bench-context.ts';
import { bulkInsert } from './bulk-insert.ts';
import { arrivals, batchesOf, recordTimestamps } from './cdc-throughput.ts';
import { removeBenchRows } from './cleanup.ts';
import { wallClockMs } from './commit-clock.ts';
import { withConnectorSettings } from './connector-settings.ts';
import { deadLetterStop } from './dead-letter-stop.ts';
import { checkLoss } from './loss-check.ts';
import { startPollingRelay } from './polling-relay.ts';
import { cpuMsOf } from './process-cpu.ts';
import type { LossCheck, PipelineDrainRun } from './report-schema.ts';
import { waitForSent } from './sent-watch.ts';
import { rateSince, type StageRate, stages, sustainedRate } from './stage-rate.ts';
import { type SyntheticRegistration, syntheticRegistration } from './synthetic-registration.ts';

export interface PipelineDrainScenario {
  events: number;
  batchSize: number;
  insertConcurrency: number;
  drainTimeoutMs: number;
  /** Settings laid over the live connector's for this drain (none: as registered). */
  connector: Readonly<Record<string, string>>;
  /** The kafka-consumer measured, when the bench started it; else the stack's, from its pid file. */
  consumerPid?: number;
}

/**
 * Debezium's own capacity and the pipeline's drain to SENT: the connector is paused (its slot keeps
 * the WAL), N registrations are committed, then it is resumed. Debezium's rate is the CDC records'
 * arrivals first to last, unbounded by the writer; the router and the notifier follow as fast as
 * they can; release -> all SENT is the end-to-end drain. Then the polling relay drains the same
 * events from its own table, so the two relays are compared on equal work. CPU of Connect and of
 * the kafka-consumer over the drain comes from /proc.
 */
export async function runPipelineDrain(context: BenchContext, scenario: PipelineDrainScenario): Promise<PipelineDrainRun> {
  const connect = createConnectClient(context.config.CONNECT_URL, { timeoutMs: 10_000 });
  const name = (await loadConnectorConfig(context.config)).name;
  return withConnectorSettings(connect, name, scenario.connector, () => drainOnce(context, scenario, connect, name), context.progress);
}

async function drainOnce(context: BenchContext, scenario: PipelineDrainScenario, connect: ConnectClient, connector: string): Promise<PipelineDrainRun> {
  const { config, db, watches, tag, progress } = context;
  const { events, batchSize, insertConcurrency, drainTimeoutMs, consumerPid } = scenario;
  const registrations = Array.from({ length: events }, (_, index) => syntheticRegistration(`${tag}-p`, index));
  const ids = registrations.map((registration) => registration.userId);
  const dlqBefore = dlqCount(context);

  progress(`pipeline drain: pausing ${connector}, committing ${events} registrations`);
  await connect.pause(connector);
  let released: number;
  try {
    await waitFor(async () => (await connect.getStatus(connector))?.tasks.every((task) => task.state === 'PAUSED') === true, {
      what: `connector ${connector} paused`,
      timeoutMs: 30_000,
    });
    await bulkInsert(db, batchesOf(registrations, batchSize), { table: 'outbox_events', withUsers: true, concurrency: insertConcurrency });
  } finally {
    await connect.resume(connector);
    released = wallClockMs();
  }
  const connectPid = await stackPid(config, 'connect');
  const kafkaConsumerPid = consumerPid ?? (await stackPid(config, 'kafka-consumer'));
  const walSenderPid = await walSenderOf(context);
  const cpuBefore = { connect: await cpuMsOf(connectPid), consumer: await cpuMsOf(kafkaConsumerPid), walSender: await cpuMsOf(walSenderPid) };
  progress(`  resumed; draining ${events}`);
  const guard = deadLetterStop(ids, watches.dlq.sightings);
  await watches.cdc.waitFor(ids, drainTimeoutMs, (seen) => progress(`  on dbz topic ${seen}/${events}`), guard);
  const connectCpuMs = (await cpuMsOf(connectPid)) - cpuBefore.connect;
  const walSenderCpuMs = (await cpuMsOf(walSenderPid)) - cpuBefore.walSender;
  await watches.routed.waitFor(ids, drainTimeoutMs, (seen) => progress(`  routed ${seen}/${events}`), guard);
  const sentAt = await waitForSent(db, ids, { timeoutMs: drainTimeoutMs, pollMs: 1_000, onProgress: (sent) => progress(`  SENT ${sent}/${events}`), guard });
  const consumerCpuMs = (await cpuMsOf(kafkaConsumerPid)) - cpuBefore.consumer;
  const loss = checkLoss(
    ids,
    { cdc: watches.cdc.sightings, routed: watches.routed.sightings, sent: sentAt },
    watches.dlq.sightings,
    dlqCount(context) - dlqBefore,
  );
  const polling = await drainByPolling(context, scenario, registrations);
  if (loss.ok && polling.loss.ok) await removeBenchRows(db, ids);
  // A process that was not there (no pid file, or it exited) has no figure rather than a wrong one.
  const perThousand = (ms: number) => (Number.isFinite(ms) ? Math.round((ms * 1000) / events) : null);
  return {
    events,
    connector: { ...scenario.connector },
    stages: [
      // What each stage did, by its producer's record timestamps; the bench's own reading (arrival) beside it.
      sustainedRate(stages.debezium, recordTimestamps(ids, watches.cdc.sightings)),
      sustainedRate(`${stages.debezium} (read by the bench)`, arrivals(ids, watches.cdc.sightings)),
      sustainedRate(stages.router, recordTimestamps(ids, watches.routed.sightings)),
      sustainedRate(stages.notifier, [...sentAt.values()]),
      rateSince('release -> all SENT', released, [...sentAt.values()]),
      polling.stage,
    ],
    cpuMsPerThousand: {
      connect: connectPid === undefined ? null : perThousand(connectCpuMs),
      walSender: walSenderPid === undefined ? null : perThousand(walSenderCpuMs),
      kafkaConsumer: kafkaConsumerPid === undefined ? null : perThousand(consumerCpuMs),
      pollingRelay: perThousand(polling.cpuMs),
    },
    loss: { ...loss, ok: loss.ok && polling.loss.ok },
  };
}

/**
 * The polling relay on the same events: their outbox rows (same ids, same payloads) committed to
 * its table while no relay runs, then one relay started and timed until all are published. It runs
 * in the bench's own process, so its CPU figure includes the bench's topic watching.
 */
async function drainByPolling(
  context: BenchContext,
  { batchSize, insertConcurrency, drainTimeoutMs }: PipelineDrainScenario,
  registrations: readonly SyntheticRegistration[],
): Promise<{ stage: StageRate; cpuMs: number; loss: LossCheck }> {
  const { db, kafka, watches, progress } = context;
  const ids = registrations.map((registration) => registration.userId);
  progress(`  the same ${ids.length} events into the polling relay's table, the relay stopped`);
  await bulkInsert(db, batchesOf(registrations, batchSize), { table: 'outbox_events_polling', withUsers: false, concurrency: insertConcurrency });
  const producer = kafka.producer({ 'linger.ms': 5, partitioner: 'murmur2_random', kafkaJS: { acks: -1 } });
  await producer.connect();
  const errors: string[] = [];
  const cpuBefore = process.cpuUsage();
  const relay = startPollingRelay({ db, producer, topic: watches.polling.topic, onError: (error) => errors.push((error as Error).message) });
  try {
    await watches.polling.waitFor(ids, drainTimeoutMs, (seen) => progress(`  published by polling ${seen}/${ids.length}`));
  } finally {
    await relay.stop();
    await producer.disconnect();
  }
  const cpu = process.cpuUsage(cpuBefore);
  if (errors.length > 0) progress(`  polling relay errors: ${errors.slice(0, 3).join('; ')}`);
  return {
    stage: sustainedRate(`${stages.polling} (same events)`, arrivals(ids, watches.polling.sightings)),
    cpuMs: (cpu.user + cpu.system) / 1000,
    loss: checkLoss(ids, { polling: watches.polling.sightings }, new Set(), 0),
  };
}

/**
 * PostgreSQL's walsender streaming the connector's slot: it decodes all of the WAL (users,
 * notifications, the notifier's own writes), not only the outbox rows, in one process.
 */
async function walSenderOf({ db, config }: BenchContext): Promise<number | undefined> {
  const { rows } = await sql<{ pid: number | null }>`select active_pid as pid from pg_replication_slots where slot_name = ${config.SLOT_NAME}`.execute(db);
  return rows[0]?.pid ?? undefined;
}

/** The pid of a process `make up` started, from its pid file; undefined when it is not there. */
async function stackPid(config: BenchContext['config'], name: string): Promise<number | undefined> {
  const text = await readFile(`${stackPaths(config).pids}/${name}.pid`, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

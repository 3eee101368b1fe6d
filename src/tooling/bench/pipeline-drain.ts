import { readFile } from 'node:fs/promises';
import { createConnectClient } from '../../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../service/cdc/connector-config.ts';
import { waitFor } from '../../service/wait-for.ts';
import { stackPaths } from '../stack/paths.ts';
import type { BenchContext } from './bench-context.ts';
import { dlqCount } from './bench-context.ts';
import { bulkInsert } from './bulk-insert.ts';
import { arrivals, batchesOf } from './cdc-throughput.ts';
import { removeBenchRows } from './cleanup.ts';
import { wallClockMs } from './commit-clock.ts';
import { deadLetterStop } from './dead-letter-stop.ts';
import { checkLoss } from './loss-check.ts';
import { cpuMsOf } from './process-cpu.ts';
import type { PipelineDrainRun } from './report-schema.ts';
import { waitForSent } from './sent-watch.ts';
import { rateSince, stages, sustainedRate } from './stage-rate.ts';
import { syntheticRegistration } from './synthetic-registration.ts';

export interface PipelineDrainScenario {
  events: number;
  batchSize: number;
  insertConcurrency: number;
  drainTimeoutMs: number;
  /** The kafka-consumer measured, when the bench started it; else the stack's, from its pid file. */
  consumerPid?: number;
}

/**
 * Debezium's own capacity and the pipeline's drain to SENT: the connector is paused (its slot keeps
 * the WAL), N registrations are committed, then it is resumed. Debezium's rate is the CDC records'
 * arrivals first to last, unbounded by the writer; the router and the notifier follow as fast as
 * they can; release -> all SENT is the end-to-end drain. CPU of Connect and of the kafka-consumer
 * over the drain comes from /proc.
 */
export async function runPipelineDrain(context: BenchContext, scenario: PipelineDrainScenario): Promise<PipelineDrainRun> {
  const { config, db, watches, tag, progress } = context;
  const { events, batchSize, insertConcurrency, drainTimeoutMs, consumerPid } = scenario;
  const connect = createConnectClient(config.CONNECT_URL, { timeoutMs: 10_000 });
  const connector = (await loadConnectorConfig(config)).name;
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
  const cpuBefore = { connect: await cpuMsOf(connectPid), consumer: await cpuMsOf(kafkaConsumerPid) };
  progress(`  resumed; draining ${events}`);
  const guard = deadLetterStop(ids, watches.dlq.sightings);
  await watches.cdc.waitFor(ids, drainTimeoutMs, (seen) => progress(`  on dbz topic ${seen}/${events}`), guard);
  const connectCpuMs = (await cpuMsOf(connectPid)) - cpuBefore.connect;
  await watches.routed.waitFor(ids, drainTimeoutMs, (seen) => progress(`  routed ${seen}/${events}`), guard);
  const sentAt = await waitForSent(db, ids, { timeoutMs: drainTimeoutMs, pollMs: 1_000, onProgress: (sent) => progress(`  SENT ${sent}/${events}`), guard });
  const consumerCpuMs = (await cpuMsOf(kafkaConsumerPid)) - cpuBefore.consumer;
  const loss = checkLoss(
    ids,
    { cdc: watches.cdc.sightings, routed: watches.routed.sightings, sent: sentAt },
    watches.dlq.sightings,
    dlqCount(context) - dlqBefore,
  );
  if (loss.ok) await removeBenchRows(db, ids);
  // A process that was not there (no pid file, or it exited) has no figure rather than a wrong one.
  const perThousand = (ms: number) => (Number.isFinite(ms) ? Math.round((ms * 1000) / events) : null);
  return {
    events,
    stages: [
      sustainedRate(stages.debezium, arrivals(ids, watches.cdc.sightings)),
      sustainedRate(stages.router, arrivals(ids, watches.routed.sightings)),
      sustainedRate(stages.notifier, [...sentAt.values()]),
      rateSince('release -> all SENT', released, [...sentAt.values()]),
    ],
    cpuMsPerThousand: {
      connect: connectPid === undefined ? null : perThousand(connectCpuMs),
      kafkaConsumer: kafkaConsumerPid === undefined ? null : perThousand(consumerCpuMs),
    },
    loss,
  };
}

/** The pid of a process `make up` started, from its pid file; undefined when it is not there. */
async function stackPid(config: BenchContext['config'], name: string): Promise<number | undefined> {
  const text = await readFile(`${stackPaths(config).pids}/${name}.pid`, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

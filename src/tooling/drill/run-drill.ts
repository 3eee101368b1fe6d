import type { Config } from '../../service/config.ts';
import { createDatabase } from '../../service/db/database.ts';
import { openTopicReader, type TopicReader } from '../../service/kafka/topic-reader.ts';
import { waitFor } from '../../service/wait-for.ts';
import { stackPaths } from '../stack/paths.ts';
import { progress } from '../stack/progress.ts';
import type { StackContext } from '../stack/stack-process.ts';
import { recordedTopology, topologyProcesses } from '../stack/stack-topology.ts';
import { awaitRecovery } from './await-recovery.ts';
import { consumerLogs, countIds, deadLetterDepth, inboxRows, sendsSince, sentTimes } from './drill-evidence.ts';
import { type DrillVerdict, judgeDrill } from './drill-verdict.ts';
import { type Committed, startWriter } from './drill-writer.ts';
import type { DrillRun, Fault } from './fault.ts';
import { type FaultLatency, faultLatency } from './fault-latency.ts';
import { faultsOf } from './fault-registry.ts';
import { assertRunning } from './faults/kill-process.ts';

export interface DrillOptions {
  /** Unset: every fault of the topology `make up` started. */
  faults?: readonly Fault[];
  /** Registrations attempted per second while the faults happen. */
  rate: number;
  /** How long to wait, after the last fault, for every registration to be SENT. */
  settleMs: number;
}

/** One fault's line of the report. */
export interface FaultResult {
  fault: string;
  action: string;
  target: string;
  note: string | undefined;
  /** From the fault (or, for a fault that ends later, its end) until a registration committed after it was SENT. */
  recoveredMs: number;
  /** Over the registrations in flight from the fault until its recovery. */
  latency: FaultLatency;
  /** Registrations attempted from the fault until its recovery, committed and refused. */
  committed: number;
  refused: number;
  /** Processes that exited on their own meanwhile and were started again. */
  restarted: string[];
}

export interface DrillReport extends DrillVerdict {
  faults: FaultResult[];
  /** Attempts whose transaction did not commit (PostgreSQL down): not registrations, so never owed a notification. */
  refused: number;
  /** Per handler, the inbox rows of the committed registrations' events. */
  inbox: Record<string, number>;
}

interface Struck {
  fault: Fault;
  target: string;
  note: string | undefined;
  struckAt: number;
  recoveryFrom: number;
  recoveredAt: number;
  restarted: string[];
}

/**
 * The fault drill against the running stack (`make up`): registrations are attempted continuously
 * while each fault (fault-registry.ts) strikes and is restored; after each, the time until a
 * registration committed after it is SENT is its recovery time. Then it waits for every committed
 * registration and judges: none lost, none sent twice, no dead letter.
 */
export async function runDrill(userConfig: Config, { faults: chosen, rate, settleMs }: DrillOptions): Promise<DrillReport> {
  const paths = stackPaths(userConfig);
  const topology = await recordedTopology(paths);
  const config = topology.clientConfig(userConfig);
  const context: StackContext = { config, paths };
  const faults = chosen ?? faultsOf(topology.name);
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 4, applicationName: 'drill' });
  const readers: Record<string, TopicReader> = {};
  try {
    // The stack's own processes first, then whatever each fault needs, before anything is touched:
    // a fault that cannot run on this stack stops the drill here, saying why, rather than being skipped.
    for (const process of topologyProcesses(topology)) if (process.optional !== true) await assertRunning(process.name, context);
    for (const fault of faults) await fault.check?.({ config, context, db, topology });
    for (const topic of [config.CDC_TOPIC, config.USER_REGISTRATION_TOPIC])
      readers[topic] = await openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: 'end' });
    const dlqBefore = await deadLetterDepth(config);
    const senderLogs = await consumerLogs(context, topology.consumers);
    const writer = startWriter(db, rate);
    const run: DrillRun = { config, context, db, writer, senderLogs, topology };
    const struck: Struck[] = [];
    try {
      await writer.waitCommitted(3);
      for (const fault of faults) {
        const injection = await fault.inject(run);
        // A fault the flow must survive with the member still down is timed first, restored after.
        const restored = fault.recoversUnrestored === true ? undefined : await fault.restore(run, injection);
        const recoveryFrom = restored?.recoveryFrom ?? injection.at;
        const { recoveredAt, restarted } = await awaitRecovery(run, fault, injection, recoveryFrom);
        const note = fault.recoversUnrestored === true ? (await fault.restore(run, injection))?.note : restored?.note;
        struck.push({ fault, target: injection.target, note, struckAt: injection.at, recoveryFrom, recoveredAt, restarted });
      }
    } finally {
      await writer.stop();
    }
    progress(
      `${writer.committed.length} registrations committed (${writer.refused.length} refused); waiting up to ${settleMs / 1000} s for every one to be SENT`,
    );
    const sent = await waitFor(
      async () => {
        const done = await sentTimes(db, writer.committed);
        return done.size === writer.committed.length ? done : undefined;
      },
      { what: 'every registration SENT', timeoutMs: settleMs, intervalMs: 1_000 },
    ).catch(() => sentTimes(db, writer.committed));
    const copies: Record<string, Map<string, number>> = {};
    for (const [topic, reader] of Object.entries(readers)) copies[topic] = countIds(await reader.readToEnd(30_000), topic === config.CDC_TOPIC);
    const eventIds = writer.committed.map((r) => r.eventId);
    const verdict = judgeDrill({
      committed: eventIds,
      sent: new Set(writer.committed.filter((r) => sent.has(r.notificationId)).map((r) => r.eventId)),
      sends: await sendsSince(run.senderLogs),
      copies,
      deadLetters: (await deadLetterDepth(config)) - dlqBefore,
    });
    return {
      ...verdict,
      faults: struck.map((s) => faultResult(s, writer.committed, writer.refused, sent)),
      refused: writer.refused.length,
      inbox: await inboxRows(db, eventIds),
    };
  } finally {
    await Promise.allSettled(Object.values(readers).map((reader) => reader.close()));
    await db.destroy();
  }
}

function faultResult(s: Struck, committed: readonly Committed[], refused: ReadonlyArray<{ at: number }>, sent: ReadonlyMap<string, number>): FaultResult {
  const during = (at: number) => at >= s.struckAt && at <= s.recoveredAt;
  return {
    fault: s.fault.name,
    action: s.fault.action,
    target: s.target,
    note: s.note,
    recoveredMs: s.recoveredAt - s.recoveryFrom,
    latency: faultLatency(
      committed.map((r) => ({ committedAt: r.committedAt, sentAt: sent.get(r.notificationId) })),
      { struckAt: s.struckAt, recoveredAt: s.recoveredAt },
    ),
    committed: committed.filter((r) => during(r.at)).length,
    refused: refused.filter((r) => during(r.at)).length,
    restarted: s.restarted,
  };
}

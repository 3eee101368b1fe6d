import type { Config } from '../../service/config.ts';
import { createDatabase } from '../../service/db/database.ts';
import { openTopicReader, type TopicReader } from '../../service/kafka/topic-reader.ts';
import { waitFor } from '../../service/wait-for.ts';
import { stackPaths } from '../stack/paths.ts';
import { progress } from '../stack/progress.ts';
import type { StackContext } from '../stack/stack-process.ts';
import { recordedTopology, topologyProcesses } from '../stack/stack-topology.ts';
import { awaitRecovery } from './await-recovery.ts';
import { countIds, deadLetterDepth, logSizes, longestCommitToSent, sendsSince, sentOf } from './drill-evidence.ts';
import { type DrillVerdict, judgeDrill } from './drill-verdict.ts';
import { startWriter } from './drill-writer.ts';
import type { DrillRun, Fault } from './fault.ts';
import { faultsOf } from './fault-registry.ts';
import { assertRunning } from './faults/kill-process.ts';

export interface DrillOptions {
  /** Unset: every fault of the topology `make up` started. */
  faults?: readonly Fault[];
  /** Registrations committed per second while the faults happen. */
  rate: number;
  /** How long to wait, after the last fault, for every registration to be SENT. */
  settleMs: number;
}

export interface DrillReport extends DrillVerdict {
  /** Per fault: the time to recover, and the processes that exited on their own meanwhile and were started again. */
  recoveries: Array<{ fault: string; action: string; target: string; recoveredMs: number; restarted: string[]; longestMs?: number }>;
}

/** Registrations committed this long before a fault count as caught by it: they were in flight when it struck. */
const inFlightMs = 5_000;

/**
 * The fault drill against the running stack (`make up`): registrations commit continuously while
 * each fault (fault-registry.ts) strikes and is restored; after each, the time until a registration
 * committed after it is SENT is its recovery time. Then it waits for every registration and judges:
 * none lost, none sent twice, no dead letter.
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
    // The stack's own processes first, then whatever each fault needs, before anything is touched.
    for (const process of topologyProcesses(topology)) if (process.optional !== true) await assertRunning(process.name, context);
    for (const fault of faults) await fault.check?.({ config, context, db, topology });
    for (const topic of [config.CDC_TOPIC, config.USER_REGISTRATION_TOPIC])
      readers[topic] = await openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: 'end' });
    const dlqBefore = await deadLetterDepth(config);
    const logStart = await logSizes(context, topology.consumers);
    const writer = startWriter(db, rate);
    const run: DrillRun = { config, context, db, writer, topology };
    const recoveries: DrillReport['recoveries'] = [];
    const windows: Array<{ from: number; to: number }> = [];
    try {
      await writer.waitCommitted(3);
      for (const fault of faults) {
        const injection = await fault.inject(run);
        if (fault.recoversUnrestored !== true) await fault.restore(run, injection);
        const recovery = await awaitRecovery(run, fault, injection);
        windows.push({ from: injection.at - inFlightMs, to: injection.at + recovery.recoveredMs });
        if (fault.recoversUnrestored === true) await fault.restore(run, injection);
        recoveries.push({ fault: fault.name, action: fault.action, target: injection.target, ...recovery });
      }
    } finally {
      await writer.stop();
    }
    progress(`${writer.committed.length} registrations committed; waiting up to ${settleMs / 1000} s for every one to be SENT`);
    const sent = await waitFor(
      async () => {
        const done = await sentOf(db, writer.committed);
        return done.size === writer.committed.length ? done : undefined;
      },
      { what: 'every registration SENT', timeoutMs: settleMs, intervalMs: 1_000 },
    ).catch(() => sentOf(db, writer.committed));
    const copies: Record<string, Map<string, number>> = {};
    for (const [topic, reader] of Object.entries(readers)) copies[topic] = countIds(await reader.readToEnd(30_000), topic === config.CDC_TOPIC);
    const verdict = judgeDrill({
      committed: writer.committed.map((r) => r.eventId),
      sent: new Set([...sent].map((notificationId) => writer.committed.find((r) => r.notificationId === notificationId)!.eventId)),
      sends: await sendsSince(logStart),
      copies,
      deadLetters: (await deadLetterDepth(config)) - dlqBefore,
    });
    for (const [index, { from, to }] of windows.entries()) {
      const caught = writer.committed.filter((r) => r.at >= from && r.at <= to);
      recoveries[index]!.longestMs = await longestCommitToSent(db, caught);
    }
    return { ...verdict, recoveries };
  } finally {
    await Promise.allSettled(Object.values(readers).map((reader) => reader.close()));
    await db.destroy();
  }
}

import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { createConnectClient } from '../../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../service/cdc/connector-config.ts';
import { waitForConnectorRunning } from '../../service/cdc/ensure-connector.ts';
import type { Config } from '../../service/config.ts';
import { readEnvelope } from '../../service/contract/envelope-reader.ts';
import { eventHeaders } from '../../service/contract/headers.ts';
import { createDatabase, type Db } from '../../service/db/database.ts';
import { AppError } from '../../service/errors.ts';
import { createKafka } from '../../service/kafka/client.ts';
import { openTopicReader, type TopicReader } from '../../service/kafka/topic-reader.ts';
import { withAdmin } from '../../service/kafka/topics.ts';
import { registerUser } from '../../service/users/register-user.ts';
import { waitFor } from '../../service/wait-for.ts';
import { stackPaths } from '../stack/paths.ts';
import { assertPortsFree } from '../stack/preflight.ts';
import { ensureProcessRunning, processPid } from '../stack/process-lifecycle.ts';
import { progress } from '../stack/progress.ts';
import { logFile, type StackContext } from '../stack/stack-process.ts';
import { findStackProcess } from '../stack/stack-processes.ts';
import { type DrillVerdict, judgeDrill } from './drill-verdict.ts';

export const drillFaults = ['kafka-consumer', 'connect', 'kafka'] as const;
export type DrillFault = (typeof drillFaults)[number];

export interface DrillOptions {
  faults: readonly DrillFault[];
  /** Registrations committed per second while the faults happen. */
  rate: number;
  /** How long to wait, after the last fault, for every registration to be SENT. */
  settleMs: number;
}

export interface DrillReport extends DrillVerdict {
  /** Per fault: the time to recover, and the processes that exited on their own meanwhile and were started again. */
  recoveries: Array<{ fault: DrillFault; killedPid: number; recoveredMs: number; restarted: string[] }>;
}

/**
 * The fault drill against the running stack (`make up`): registrations commit continuously while
 * each fault kills a process with SIGKILL and starts it again; after each, the time until a
 * registration committed after the kill is SENT is its recovery time. Then it waits for every
 * registration and judges: none lost, none sent twice, no dead letter.
 */
export async function runDrill(config: Config, { faults, rate, settleMs }: DrillOptions): Promise<DrillReport> {
  const context: StackContext = { config, paths: stackPaths(config) };
  for (const name of ['kafka', 'connect', 'kafka-consumer']) {
    if ((await processPid(findStackProcess(name)!, context)) === undefined)
      throw new AppError('PREREQUISITE_MISSING', `${name} is not running: the drill runs against the stack of make up; start it first`);
  }
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 4, applicationName: 'drill' });
  const readers: Record<string, TopicReader> = {};
  try {
    for (const topic of [config.CDC_TOPIC, config.USER_REGISTRATION_TOPIC])
      readers[topic] = await openTopicReader({ brokers: config.KAFKA_BROKERS, topic, from: 'end' });
    const dlqBefore = await deadLetterDepth(config);
    const logStart = await logSize(context);
    const writer = startWriter(db, rate);
    const recoveries: DrillReport['recoveries'] = [];
    try {
      await writer.waitCommitted(3);
      for (const fault of faults) recoveries.push(await inflict(fault, config, context, db, writer));
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
      sends: await sendsSince(context, logStart),
      copies,
      deadLetters: (await deadLetterDepth(config)) - dlqBefore,
    });
    return { ...verdict, recoveries };
  } finally {
    await Promise.allSettled(Object.values(readers).map((reader) => reader.close()));
    await db.destroy();
  }
}

interface Committed {
  eventId: string;
  notificationId: string;
  at: number;
}

function startWriter(db: Db, rate: number) {
  const committed: Committed[] = [];
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const at = Date.now();
      // The registration use case itself; the hash is not what the drill tests, so it costs nothing.
      const user = await registerUser(
        { db, hashPassword: async () => 'drill-no-password' },
        { email: `drill-${at.toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`, password: 'unused' },
      ).catch(() => undefined);
      if (user !== undefined) committed.push({ eventId: user.eventId, notificationId: user.notificationId, at });
      await sleep(Math.max(0, 1_000 / rate - (Date.now() - at)));
    }
  })();
  return {
    committed,
    waitCommitted: (n: number) => waitFor(async () => committed.length >= n, { what: `${n} registrations committed`, timeoutMs: 30_000 }),
    stop: async () => {
      stopping = true;
      await loop;
    },
  };
}

async function inflict(fault: DrillFault, config: Config, context: StackContext, db: Db, writer: ReturnType<typeof startWriter>) {
  const process_ = findStackProcess(fault)!;
  const pid = await processPid(process_, context);
  if (pid === undefined) throw new AppError('PROCESS_FAILED', `${fault} is not running`);
  const killedAt = Date.now();
  progress(`kill -9 ${fault} (pid ${pid})`);
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => (await processPid(process_, context)) === undefined, { what: `${fault} gone`, timeoutMs: 30_000, intervalMs: 100 });
  // A killed JVM's ports are released a moment after its pid is gone.
  await waitFor(
    async () => {
      await assertPortsFree(process_, context);
      return true;
    },
    { what: `the ports of ${fault} released`, timeoutMs: 60_000, intervalMs: 250 },
  );
  await ensureProcessRunning(process_, context);
  if (fault === 'connect') {
    const client = createConnectClient(config.CONNECT_URL);
    const { name } = await loadConnectorConfig(config);
    await waitForConnectorRunning(client, name, { timeoutMs: 180_000 });
  }
  // Recovered: a registration committed after the kill has taken effect. Meanwhile the drill acts as
  // the supervisor the README asks for: a kafka-consumer that exited is started again, and said so.
  const consumer = findStackProcess('kafka-consumer')!;
  const restarted: string[] = [];
  await waitFor(
    async () => {
      if ((await processPid(consumer, context)) === undefined) {
        progress('the kafka-consumer exited meanwhile (see its log); starting it again, as a supervisor would');
        restarted.push('kafka-consumer');
        await ensureProcessRunning(consumer, context);
      }
      const after = writer.committed.filter((r) => r.at > killedAt);
      if (after.length === 0) return undefined;
      return (await sentOf(db, [after[0]!])).size === 1 ? true : undefined;
    },
    { what: `the pipeline recovered after killing ${fault}`, timeoutMs: 300_000, intervalMs: 250 },
  );
  const recoveredMs = Date.now() - killedAt;
  progress(`${fault} recovered: a registration committed after the kill was SENT ${(recoveredMs / 1000).toFixed(1)} s after it`);
  return { fault, killedPid: pid, recoveredMs, restarted };
}

async function sentOf(db: Db, registrations: readonly Committed[]): Promise<Set<string>> {
  if (registrations.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select id from notifications where status = 'SENT' and id = any(${registrations.map((r) => r.notificationId)}::uuid[])`.execute(db);
  return new Set(rows.map((row) => row.id));
}

function countIds(records: ReadonlyArray<{ value: Buffer | string | null; headers: Record<string, string> }>, envelope: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const id = envelope ? readEnvelope(record.value)?.eventId : record.headers[eventHeaders.eventId];
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

async function deadLetterDepth(config: Config): Promise<number> {
  return withAdmin(
    () => createKafka(config).admin(),
    config.KAFKA_BROKERS,
    async (admin) => (await admin.fetchTopicOffsets(config.DLQ_TOPIC)).reduce((sum, p) => sum + Number(p.high), 0),
  );
}

async function logSize(context: StackContext): Promise<number> {
  return (await readFile(logFile(findStackProcess('kafka-consumer')!, context.paths)).catch(() => Buffer.alloc(0))).length;
}

/** The log sender writes one line per send, synchronously: counting them counts the sends. */
async function sendsSince(context: StackContext, offset: number): Promise<Map<string, number>> {
  const text = (await readFile(logFile(findStackProcess('kafka-consumer')!, context.paths))).subarray(offset).toString('utf8');
  const sends = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.includes('"notification sent"')) continue;
    const id = (JSON.parse(line) as { notification?: { eventId?: string } }).notification?.eventId;
    if (id !== undefined) sends.set(id, (sends.get(id) ?? 0) + 1);
  }
  return sends;
}

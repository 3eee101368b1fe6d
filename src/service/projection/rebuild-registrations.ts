import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Admin } from '../kafka/client.ts';
import { openTopicReader, type TopicReader, type TopicRecord } from '../kafka/topic-reader.ts';
import { applyRegistrations, readPositions } from './apply-registrations.ts';
import { projectionChecksum } from './projection-checksum.ts';
import { cloneProjectionSchema, dropProjectionSchema, schemaExists } from './projection-schema.ts';
import type { PositionedRecord } from './user-fact.ts';

export interface RebuildProgress {
  /** Records applied to the shadow by this run. */
  events: number;
  /** Records left before the shadow reaches the topic's end as it was measured last. */
  remaining: number;
  /** Records per second over this run. */
  rate: number;
  etaSeconds: number | undefined;
}

export interface RebuildOptions {
  db: Db;
  admin: Admin;
  brokers: string;
  topic: string;
  /** The served projection's schema; the shadow is `<schema>_rebuild`. */
  schema: string;
  /** Throw the shadow of an interrupted run away instead of resuming it. */
  restart?: boolean;
  /** Records per transaction. */
  batchSize?: number;
  /** Caps the read rate (records/s), to spare a busy database; none by default. */
  maxRate?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** How long the swap waits for a lagging live projector to reach the shadow's position. */
  catchUpTimeoutMs?: number;
}

export interface RebuildResult {
  events: number;
  /** From the start to the end of the swap. */
  seconds: number;
  /** Reading and applying up to the topic's end, before the swap: what the read rate is measured on. */
  readSeconds: number;
  resumed: boolean;
  /** Live and rebuilt content at the same positions: equal, or what the swap corrected. */
  comparison: 'identical' | 'differed' | 'not compared: the live projection was behind';
  positions: Record<number, number>;
}

export const shadowSchemaOf = (schema: string) => `${schema}_rebuild`;

/**
 * Rebuilds the registrations projection from the beginning of its topic, beside the served one.
 *
 * A reader that joins no group (kafka/topic-reader.ts) applies the topic into a shadow schema with
 * the live projector's own code, positions stored with the shadow in the same transactions: a run
 * that crashes resumes from there (or `restart` starts over), and the served projection is never
 * touched until the swap. The swap is one transaction: it locks the served tables against writes
 * (reads go on), brings the shadow to exactly the served positions, compares the two, replaces
 * the served content and positions with the shadow's, and commits. The live projector, blocked
 * meanwhile, resumes from those positions.
 */
export async function rebuildRegistrations(options: RebuildOptions): Promise<RebuildResult> {
  const { db, admin, brokers, topic, schema, batchSize = 5_000, onProgress } = options;
  const shadow = shadowSchemaOf(schema);
  if (!(await schemaExists(db, schema))) {
    throw new AppError('NOT_FOUND', `the projection schema ${schema} does not exist: run \`cli migrate up\` (or set PROJECTION_SCHEMA)`);
  }
  const resumed = !options.restart && (await schemaExists(db, shadow));
  const start = resumed ? await readPositions(db, shadow, topic) : new Map<number, number>();
  // Before anything is written: a refused rebuild leaves no shadow behind.
  await refuseWithoutHistory(admin, topic, start);
  if (!resumed) {
    await dropProjectionSchema(db, shadow);
    await cloneProjectionSchema(db, schema, shadow);
  }

  const reader = await openTopicReader({
    brokers,
    topic,
    from: { offsets: new Map([...start].map(([partition, offset]) => [`${topic}:${partition}`, offset])) },
  });
  const positions = new Map(reader.assignment.map((tp) => [tp.partition, start.get(tp.partition) ?? 0]));
  const started = performance.now();
  let events = 0;
  try {
    let ends = await topicEnds(admin, topic);
    // Where reading has got to; `positions` follows once each batch's transaction committed.
    const readTo = new Map(positions);
    const remaining = () => [...ends].reduce((sum, [partition, end]) => sum + Math.max(0, end - (readTo.get(partition) ?? 0)), 0);
    const report = () => {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? events / seconds : 0;
      onProgress?.({ events, remaining: remaining(), rate, etaSeconds: rate > 0 ? remaining() / rate : undefined });
    };
    let lastReport = 0;
    // One batch is written while the next is read: reading and PostgreSQL then work side by side.
    let writing: Promise<void> = Promise.resolve();
    // Up to the end measured at the start, then again until a read finds nothing new: the swap
    // then has only the last moments' records to take under its lock.
    for (;;) {
      while (remaining() > 0) {
        const records = await readBatch(reader, batchSize);
        for (const record of records) readTo.set(record.partition, record.offset + 1);
        await writing;
        if (records.length > 0) {
          writing = db
            .transaction()
            .execute((trx) => applyAll(trx, shadow, topic, records, positions))
            .then(() => {
              events += records.length;
            });
          // Awaited before the next write; until then a failure must not surface as an unhandled rejection.
          writing.catch(() => {});
        }
        if (options.maxRate !== undefined) await paceTo(options.maxRate, events + records.length, started);
        if (performance.now() - lastReport >= 1_000) {
          lastReport = performance.now();
          report();
        }
      }
      await writing;
      const newEnds = await topicEnds(admin, topic);
      const grew = [...newEnds].some(([partition, end]) => end > (ends.get(partition) ?? 0));
      ends = newEnds;
      if (!grew || remaining() < batchSize) break;
    }
    report();
    const readSeconds = (performance.now() - started) / 1000;
    const swap = await swapIn({ db, schema, shadow, topic, reader, positions, catchUpTimeoutMs: options.catchUpTimeoutMs ?? 30_000 });
    events += swap.applied;
    await dropProjectionSchema(db, shadow);
    return {
      events,
      seconds: (performance.now() - started) / 1000,
      readSeconds,
      resumed,
      comparison: swap.comparison,
      positions: Object.fromEntries(positions),
    };
  } finally {
    await reader.close();
  }
}

/** Every record from a stored position on must still be in the topic; retention may have deleted the oldest. */
async function refuseWithoutHistory(admin: Admin, topic: string, start: ReadonlyMap<number, number>): Promise<void> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const lost = offsets.filter(({ partition, low }) => Number(low) > (start.get(partition) ?? 0));
  if (lost.length === 0) return;
  const where = lost.map(({ partition, low }) => `partition ${partition}: offsets ${start.get(partition) ?? 0}..${Number(low) - 1}`).join(', ');
  throw new AppError(
    'PREREQUISITE_MISSING',
    `cannot rebuild from ${topic}: its history was deleted by retention (${where}), so a rebuild would silently miss those registrations. ` +
      'The served projection is left as it is. Keep the history (retention.ms=-1 on the topic, as `cli topics create` sets it) and republish the lost events from their source before rebuilding.',
  );
}

async function topicEnds(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]));
}

/** Up to batchSize records, or what a quarter of a second brings: a steady trickle must not hold a batch back. */
async function readBatch(reader: TopicReader, batchSize: number): Promise<TopicRecord[]> {
  const records: TopicRecord[] = [];
  const until = performance.now() + 250;
  while (records.length < batchSize && performance.now() < until) {
    const polled = await reader.poll();
    if (polled.length === 0) break;
    records.push(...polled);
  }
  return records;
}

/** Applies records of every partition in one transaction, each partition's through the shared code. */
async function applyAll(trx: Db, shadow: string, topic: string, records: readonly TopicRecord[], positions: Map<number, number>): Promise<void> {
  const byPartition = new Map<number, PositionedRecord[]>();
  for (const record of records) {
    const list = byPartition.get(record.partition) ?? [];
    list.push({ offset: record.offset, value: record.value === null ? null : Buffer.from(record.value), headers: record.headers });
    byPartition.set(record.partition, list);
  }
  for (const [partition, list] of byPartition) {
    const outcome = await applyRegistrations(trx, shadow, { topic, partition, records: list });
    positions.set(partition, outcome.nextOffset);
  }
}

async function paceTo(maxRate: number, events: number, started: number): Promise<void> {
  const due = (events / maxRate) * 1000 - (performance.now() - started);
  if (due > 0) await delay(due);
}

interface SwapInput {
  db: Db;
  schema: string;
  shadow: string;
  topic: string;
  reader: TopicReader;
  positions: Map<number, number>;
  catchUpTimeoutMs: number;
}

async function swapIn({
  db,
  schema,
  shadow,
  topic,
  reader,
  positions,
  catchUpTimeoutMs,
}: SwapInput): Promise<{ applied: number; comparison: RebuildResult['comparison'] }> {
  const deadline = Date.now() + catchUpTimeoutMs;
  for (;;) {
    const live = await readPositions(db, schema, topic);
    const behind = [...positions].some(([partition, offset]) => (live.get(partition) ?? 0) < offset);
    // The live projector lags the shadow: wait a little for it, so the two can be compared at one position.
    if (behind && Date.now() < deadline) {
      await delay(200);
      continue;
    }
    return db.transaction().execute(async (trx) => {
      // EXCLUSIVE: the live projector's writes wait, the API's reads go on. Positions first, as the
      // projector's transaction takes them first too, so the two cannot deadlock.
      await sql`lock table ${sql.id(schema, 'positions')}, ${sql.id(schema, 'registrations_daily')}, ${sql.id(schema, 'registered_users')} in exclusive mode`.execute(
        trx,
      );
      const served = await readPositions(trx, schema, topic);
      const applied = await catchUpTo(trx, shadow, topic, reader, positions, served);
      const comparable = [...positions].every(([partition, offset]) => (served.get(partition) ?? 0) === offset);
      const comparison = !comparable
        ? 'not compared: the live projection was behind'
        : (await projectionChecksum(trx, schema)) === (await projectionChecksum(trx, shadow))
          ? 'identical'
          : 'differed';
      for (const table of ['registrations_daily', 'registered_users'] as const) {
        await sql`delete from ${sql.id(schema, table)}`.execute(trx);
        await sql`insert into ${sql.id(schema, table)} select * from ${sql.id(shadow, table)}`.execute(trx);
      }
      // In place, never delete and insert: a projector transaction waiting on a position row must find it again.
      await sql`
        insert into ${sql.id(schema, 'positions')} select * from ${sql.id(shadow, 'positions')}
        on conflict (topic, partition) do update set next_offset = excluded.next_offset, records_applied = excluded.records_applied,
          last_event_id = excluded.last_event_id, last_committed_at = excluded.last_committed_at, applied_at = excluded.applied_at`.execute(trx);
      return { applied, comparison };
    });
  }
}

/** Reads on until the shadow is at least at the served positions, applying exactly up to them. */
async function catchUpTo(
  trx: Db,
  shadow: string,
  topic: string,
  reader: TopicReader,
  positions: Map<number, number>,
  served: ReadonlyMap<number, number>,
): Promise<number> {
  let applied = 0;
  const deadline = Date.now() + 30_000;
  const short = () => [...positions].some(([partition, offset]) => offset < (served.get(partition) ?? 0));
  while (short()) {
    if (Date.now() > deadline) throw new AppError('TIMEOUT', `the rebuild could not read ${topic} up to the served positions within 30 s; nothing was swapped`);
    const records = (await reader.poll()).filter((record) => record.offset < (served.get(record.partition) ?? 0));
    if (records.length === 0) continue;
    await applyAll(trx, shadow, topic, records, positions);
    applied += records.length;
  }
  return applied;
}

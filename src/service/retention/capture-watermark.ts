import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/**
 * A point in the WAL with the transactions finished before it. Taken in one statement: the
 * statement's snapshot comes first, so every transaction older than its xmin had written its commit
 * record before the WAL insert position read after it. Once the slot's confirmed_flush_lsn reaches
 * `lsn`, Debezium has published (and Kafka acknowledged) every row written by a transaction older
 * than `xmin`: those rows may go. Nothing per row is needed, and no server setting
 * (track_commit_timestamp would need a restart).
 */
export interface Watermark {
  lsn: bigint;
  /** The snapshot's xmin as a 32-bit xid (what a row's xmin column holds), as text for `::xid`. */
  xmin: string;
}

/** 'A/B' -> (A << 32) | B: the same order PostgreSQL's pg_lsn has. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (match === null) throw new Error(`not an LSN: ${text}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/**
 * Pure: the newest watermark the slot has confirmed, and the ones still waiting. Watermarks are kept
 * in the order taken; an older one is of no use once a newer one is confirmed.
 */
export function confirmedWatermark(pending: readonly Watermark[], confirmedLsn: bigint | undefined): { bound?: Watermark; waiting: Watermark[] } {
  if (confirmedLsn === undefined) return { waiting: [...pending] };
  const reached = pending.filter((watermark) => watermark.lsn <= confirmedLsn);
  return { bound: reached.at(-1), waiting: pending.filter((watermark) => watermark.lsn > confirmedLsn) };
}

export async function takeWatermark(db: Db): Promise<Watermark> {
  const { rows } = await sql<{ lsn: string; xmin: string }>`
    select pg_current_wal_insert_lsn()::text as lsn,
           (pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text as xmin`.execute(db);
  return { lsn: parseLsn(rows[0]!.lsn), xmin: rows[0]!.xmin };
}

/** The slot's confirmed_flush_lsn; undefined when the slot does not exist (then nothing is proven captured). */
export async function confirmedFlushLsn(db: Db, slotName: string): Promise<bigint | undefined> {
  const { rows } = await sql<{ lsn: string | null }>`
    select confirmed_flush_lsn::text as lsn from pg_replication_slots where slot_name = ${slotName}`.execute(db);
  const text = rows[0]?.lsn;
  return text === undefined || text === null ? undefined : parseLsn(text);
}

export interface CaptureTracker {
  /** Takes a new watermark, then answers the newest one the slot has confirmed (if any). */
  advance(): Promise<{ bound?: Watermark; confirmedLsn?: bigint; latest: Watermark }>;
}

/**
 * Watermarks taken on every call and kept until the slot passes them: a process purging every
 * minute has, each time, the one taken a minute or so earlier already confirmed, without waiting.
 */
export function createCaptureTracker(db: Db, slotName: string, { maxPending = 1_000 } = {}): CaptureTracker {
  let pending: Watermark[] = [];
  return {
    async advance() {
      const latest = await takeWatermark(db);
      const confirmedLsn = await confirmedFlushLsn(db, slotName);
      // A missing slot will be created afresh past every watermark: nothing taken before it proves anything.
      if (confirmedLsn === undefined) pending = [];
      pending.push(latest);
      const { bound, waiting } = confirmedWatermark(pending, confirmedLsn);
      pending = waiting.slice(-maxPending);
      return { bound, confirmedLsn, latest };
    },
  };
}

/**
 * For a one-off purge: a watermark now, then wait (up to `timeoutMs`) until the slot confirms it.
 * With the connector running that takes about one offset flush (a second) or one heartbeat; with
 * it stopped or paused it never comes, and the purge deletes nothing of the outbox.
 */
export async function awaitCapture(
  db: Db,
  slotName: string,
  { timeoutMs, intervalMs = 250 }: { timeoutMs: number; intervalMs?: number },
): Promise<{ bound?: Watermark; confirmedLsn?: bigint; latest: Watermark }> {
  const latest = await takeWatermark(db);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const confirmedLsn = await confirmedFlushLsn(db, slotName);
    if (confirmedLsn !== undefined && confirmedLsn >= latest.lsn) return { bound: latest, confirmedLsn, latest };
    if (Date.now() >= deadline) return { confirmedLsn, latest };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

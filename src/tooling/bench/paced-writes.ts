import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../../service/errors.ts';
import { wallClockMs } from './commit-clock.ts';
import { dueOffsetMs } from './rate-schedule.ts';

export interface PacedWritesOptions {
  count: number;
  ratePerSecond: number;
  /** Writes event `index` and resolves with its correlation id once COMMIT returned. */
  write: (index: number) => Promise<string>;
  /** A safety cap on writes started but not committed; the pool queues below it. */
  maxInFlight?: number;
  onProgress?: (written: number) => void;
  /** Start no write after this long: a soak lasts its duration even when the machine falls behind the rate. */
  stopAfterMs?: number;
}

export interface PacedWritesResult {
  /** Commit clock per correlation id, in write order. */
  commits: Map<string, number>;
  ids: string[];
  failures: number;
  firstError: unknown;
  achievedRatePerSecond: number;
}

/**
 * Starts write i at its due time whether or not earlier writes finished (open loop, see
 * rate-schedule.ts), and stamps each with the commit clock the moment its COMMIT returns.
 */
export async function runPacedWrites({
  count,
  ratePerSecond,
  write,
  maxInFlight = 256,
  onProgress,
  stopAfterMs,
}: PacedWritesOptions): Promise<PacedWritesResult> {
  const commits = new Map<string, number>();
  const ids: string[] = [];
  let failures = 0;
  let firstError: unknown;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  let lastReport = started;
  let firstCommit = Number.NaN;
  let lastCommit = Number.NaN;
  for (let index = 0; index < count; index++) {
    const wait = started + dueOffsetMs(index, ratePerSecond) - performance.now();
    if (wait > 1) await delay(wait);
    while (inFlight >= maxInFlight) await Promise.race(pending);
    if (stopAfterMs !== undefined && performance.now() - started >= stopAfterMs) break;
    inFlight++;
    const task: Promise<void> = write(index)
      .then((id) => {
        const committedAt = wallClockMs();
        commits.set(id, committedAt);
        ids.push(id);
        if (Number.isNaN(firstCommit)) firstCommit = committedAt;
        lastCommit = committedAt;
      })
      .catch((error: unknown) => {
        failures++;
        firstError ??= error;
      })
      .finally(() => {
        inFlight--;
        pending.delete(task);
      });
    pending.add(task);
    if (onProgress !== undefined && performance.now() - lastReport >= 2_000) {
      lastReport = performance.now();
      onProgress(index + 1);
    }
  }
  await Promise.all(pending);
  const spanMs = lastCommit - firstCommit;
  return { commits, ids, failures, firstError, achievedRatePerSecond: spanMs > 0 ? ((ids.length - 1) * 1000) / spanMs : 0 };
}

/** A write that failed never committed, so it is no loss; but it is a broken run, not a result. */
export function throwOnFailedWrites({ failures, firstError, ids }: PacedWritesResult): void {
  if (failures === 0) return;
  throw new AppError('INTERNAL', `${failures} of ${failures + ids.length} bench writes failed: ${(firstError as Error)?.message ?? String(firstError)}`, {
    cause: firstError,
  });
}

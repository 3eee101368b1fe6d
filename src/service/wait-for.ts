import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from './errors.ts';

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Called every progressEveryMs while waiting; long waits must show they are alive. */
  onProgress?: (elapsedMs: number) => void;
  progressEveryMs?: number;
  /** Checked on every round: a process that died while we wait must fail now, not at the timeout. */
  abortIf?: () => Promise<string | undefined> | string | undefined;
  /** An error of `check` for which this is true ends the wait at once; other errors count as "not yet". */
  failOn?: (error: unknown) => boolean;
  /** Appended to the timeout's message; a function is asked at the timeout, so it can say what was seen last. */
  hint?: string | (() => string);
}

/**
 * Polls `check` until it returns a value other than undefined or false: the one way this project
 * waits for something it cannot be told about (a process answering, a row appearing, a slot released).
 */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, options: WaitOptions): Promise<T> {
  const { what, timeoutMs, intervalMs = 500, onProgress, progressEveryMs = 5_000, abortIf, failOn, hint } = options;
  const started = Date.now();
  let lastProgress = started;
  let lastError: unknown;
  for (;;) {
    const result = await check().catch((error: unknown) => {
      if (failOn?.(error) === true) throw error;
      lastError = error;
      return undefined;
    });
    if (result !== undefined && result !== false) return result;
    const abortReason = await abortIf?.();
    if (abortReason !== undefined) throw new AppError('PROCESS_FAILED', abortReason);
    const now = Date.now();
    if (now - started >= timeoutMs) {
      const because = lastError === undefined ? '' : ` (last check failed: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      const advice = typeof hint === 'function' ? hint() : hint;
      throw new AppError('TIMEOUT', `${what} did not happen within ${Math.round(timeoutMs / 1000)} s${because}${advice === undefined ? '' : `: ${advice}`}`, {
        cause: lastError,
      });
    }
    if (onProgress !== undefined && now - lastProgress >= progressEveryMs) {
      lastProgress = now;
      onProgress(now - started);
    }
    await sleep(intervalMs);
  }
}

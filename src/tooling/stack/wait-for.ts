import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../service/errors.ts';

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Called every progressEveryMs while waiting; long waits must show they are alive. */
  onProgress?: (elapsedMs: number) => void;
  progressEveryMs?: number;
  /** Checked on every round: a process that died while we wait must fail now, not at the timeout. */
  abortIf?: () => Promise<string | undefined> | string | undefined;
  hint?: string;
}

/** Polls `check` until it returns a value other than undefined or false. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, options: WaitOptions): Promise<T> {
  const { what, timeoutMs, intervalMs = 500, onProgress, progressEveryMs = 5_000, abortIf, hint } = options;
  const started = Date.now();
  let lastProgress = started;
  for (;;) {
    const result = await check().catch(() => undefined);
    if (result !== undefined && result !== false) return result;
    const abortReason = await abortIf?.();
    if (abortReason !== undefined) throw new AppError('PROCESS_FAILED', abortReason);
    const now = Date.now();
    if (now - started >= timeoutMs) {
      throw new AppError('TIMEOUT', `${what} did not happen within ${Math.round(timeoutMs / 1000)} s${hint === undefined ? '' : `: ${hint}`}`);
    }
    if (onProgress !== undefined && now - lastProgress >= progressEveryMs) {
      lastProgress = now;
      onProgress(now - started);
    }
    await sleep(intervalMs);
  }
}

import { AppError } from '../errors.ts';

/**
 * Runs one attempt at a record under a deadline. When the deadline passes (or the group stops),
 * the attempt's signal fires and the attempt is awaited until it has settled: a handler cancels
 * its database statement and rolls back, aborts its sender's request, so the retry never runs
 * beside a previous attempt still holding a connection or a row lock.
 */
export async function runAttempt<T>(attempt: (signal: AbortSignal) => Promise<T>, { timeoutMs, stop }: { timeoutMs: number; stop?: AbortSignal }): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new AppError('TIMEOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
  const signal = stop === undefined ? deadline.signal : AbortSignal.any([deadline.signal, stop]);
  try {
    return await attempt(signal);
  } catch (error) {
    // The handler stopped because its signal fired: report why it fired, not how the cancellation looked.
    if (signal.aborted) throw signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

import { AppError } from '../errors.ts';

/**
 * Runs one attempt at a record under a deadline. When the deadline passes (or the group stops),
 * the attempt's signal fires and the attempt is awaited until it has settled: a handler cancels
 * its database statement and rolls back, aborts its sender's request, so the retry never runs
 * beside a previous attempt still holding a connection or a row lock.
 *
 * One controller per attempt, fed by the deadline and by a listener on the group's stop signal
 * that is removed when the attempt ends. Not AbortSignal.any([deadline, stop]): in Node 24 a
 * signal it returns, once a listener was ever added to it (every database attempt adds one), stays
 * reachable from the long-lived stop signal after its attempt; the kafka-consumer grew by about
 * 3 KB per record that way (54,000 signals, listeners and WeakRefs held after 54,000 records,
 * 2 GB of RSS after a few hundred thousand).
 */
export async function runAttempt<T>(attempt: (signal: AbortSignal) => Promise<T>, { timeoutMs, stop }: { timeoutMs: number; stop?: AbortSignal }): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new AppError('TIMEOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
  const onStop = () => controller.abort(stop?.reason);
  if (stop?.aborted === true) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  const { signal } = controller;
  try {
    return await attempt(signal);
  } catch (error) {
    // The handler stopped because its signal fired: report why it fired, not how the cancellation looked.
    if (signal.aborted) throw signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener('abort', onStop);
  }
}

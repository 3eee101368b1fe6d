/**
 * One line per step on stdout, prefixed with the seconds since the command started, so a slow
 * step shows where the time went.
 */
const startedAt = Date.now();

export function progress(message: string): void {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${seconds}s] ${message}\n`);
}

import { AppError } from '../../service/errors.ts';
import type { Sighting } from './topic-watch.ts';

/** The first awaited event found on the dead-letter topic, with why it is there. */
export function firstDeadLettered(awaited: ReadonlySet<string>, deadLetters: ReadonlyMap<string, Sighting>): { id: string; detail: string } | undefined {
  // The dead-letter topic holds few records; the awaited events can be 100,000.
  for (const [id, sighting] of deadLetters) if (awaited.has(id)) return { id, detail: sighting.detail ?? 'no reason recorded' };
  return undefined;
}

/**
 * A guard for the bench's waits: an awaited event that was dead-lettered will never arrive, so the
 * wait ends at once, naming the event and the reason, instead of running out the drain timeout.
 */
export function deadLetterStop(ids: readonly string[], deadLetters: ReadonlyMap<string, Sighting>): () => void {
  const awaited = new Set(ids);
  return () => {
    const found = firstDeadLettered(awaited, deadLetters);
    if (found === undefined) return;
    throw new AppError(
      'PROCESS_FAILED',
      `the event of user ${found.id} was dead-lettered (${found.detail}); stopped waiting for the rest. Rows kept: node src/cli.ts trace ${found.id}`,
    );
  };
}

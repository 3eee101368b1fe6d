import type { LossCheck } from './report-schema.ts';

/**
 * Zero loss, as the report states it: every event reached every end point it was sent to, and
 * none of the run's events reached the dead-letter topic. Dead letters of other events (a test
 * running beside the bench) are counted in dlqRecords but do not fail this run.
 */
export function checkLoss(
  ids: readonly string[],
  endPoints: Readonly<Record<string, ReadonlySet<string> | ReadonlyMap<string, unknown>>>,
  dlqSeen: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  dlqRecords: number,
): LossCheck {
  const delivered: Record<string, number> = {};
  let complete = true;
  for (const [name, seen] of Object.entries(endPoints)) {
    const count = ids.reduce((sum, id) => sum + (seen.has(id) ? 1 : 0), 0);
    delivered[name] = count;
    if (count !== ids.length) complete = false;
  }
  const ours = ids.some((id) => dlqSeen.has(id));
  return { expected: ids.length, delivered, dlqRecords, ok: complete && !ours };
}

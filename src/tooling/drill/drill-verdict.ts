/** What a drill saw, by event id: committed registrations, their effects, and their copies on each topic. */
export interface DrillObservation {
  committed: readonly string[];
  sent: ReadonlySet<string>;
  /** How many times the sender was called for each event id (the log sender's lines). */
  sends: ReadonlyMap<string, number>;
  /** Per topic: how many records carried each event id. */
  copies: Readonly<Record<string, ReadonlyMap<string, number>>>;
  deadLetters: number;
}

export interface DrillVerdict {
  committed: number;
  sent: number;
  lost: string[];
  doubleEffects: string[];
  /** Per topic: records beyond the first for an event (at-least-once; harmless while the inbox dedupes). */
  duplicates: Record<string, number>;
  deadLetters: number;
  ok: boolean;
}

/**
 * Pure: a drill passes when every committed registration was SENT, none was sent twice and nothing
 * was dead-lettered. Copies on the topics are reported, not judged: redelivery after a crash is the
 * at-least-once the design accepts.
 */
export function judgeDrill(observation: DrillObservation): DrillVerdict {
  const lost = observation.committed.filter((id) => !observation.sent.has(id));
  const doubleEffects = observation.committed.filter((id) => (observation.sends.get(id) ?? 0) > 1);
  const duplicates = Object.fromEntries(
    Object.entries(observation.copies).map(([topic, counts]) => [topic, [...counts.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0)]),
  );
  return {
    committed: observation.committed.length,
    sent: observation.committed.length - lost.length,
    lost,
    doubleEffects,
    duplicates,
    deadLetters: observation.deadLetters,
    ok: lost.length === 0 && doubleEffects.length === 0 && observation.deadLetters === 0,
  };
}

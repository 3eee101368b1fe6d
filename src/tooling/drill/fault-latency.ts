/** One committed registration: when its commit returned, and when its notification became SENT (if it did). */
export interface Delivery {
  committedAt: number;
  sentAt?: number;
}

export interface FaultLatency {
  /** Registrations in flight during the fault: committed before it recovered, not SENT before it struck. */
  inFlight: number;
  /** The longest commit -> SENT among them; undefined when none was in flight or none was SENT. */
  longestMs: number | undefined;
  /** Of those, the ones never SENT (the verdict counts them lost). */
  unsent: number;
}

/**
 * Pure: what a fault cost the registrations that met it. A registration committed just before the
 * fault but not yet SENT is delayed by it too, so the window is "not SENT before the fault struck",
 * not "committed after it".
 */
export function faultLatency(deliveries: readonly Delivery[], { struckAt, recoveredAt }: { struckAt: number; recoveredAt: number }): FaultLatency {
  const met = deliveries.filter((d) => d.committedAt <= recoveredAt && (d.sentAt === undefined || d.sentAt >= struckAt));
  const sent = met.filter((d) => d.sentAt !== undefined).map((d) => Math.max(0, d.sentAt! - d.committedAt));
  return { inFlight: met.length, longestMs: sent.length === 0 ? undefined : Math.max(...sent), unsent: met.length - sent.length };
}

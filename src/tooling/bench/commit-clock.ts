/**
 * The one clock every hop starts from: the wall clock read in the client right after COMMIT
 * returned. Wall clock, not performance.now(), because the other ends are stamped by other
 * processes on the same machine: Kafka record timestamps (ms), PostgreSQL's now() in sent_at (µs).
 * The commit is visible to Debezium slightly before COMMIT returns here, so hops measured from
 * this clock are a hair shorter than the truth, never longer.
 */
export function wallClockMs(): number {
  return Date.now();
}

/**
 * Names of the measured hops, shared by the scenarios, the targets and the chart. Every hop starts
 * at the client's commit clock (see commit-clock.ts) unless its name says otherwise.
 */
export const hops = {
  cdcArrival: 'commit -> dbz topic (arrival)',
  cdcTimestamp: 'commit -> dbz topic (record timestamp)',
  routedArrival: 'commit -> routed topic (arrival)',
  sent: 'commit -> SENT (sent_at)',
  pollingArrival: 'commit -> polling topic (arrival)',
  pollingTimestamp: 'commit -> polling topic (record timestamp)',
  httpRequestToSent: 'request sent -> SENT (sent_at)',
  httpResponseToSent: '201 received -> SENT (sent_at)',
  httpResponseToCdc: '201 received -> dbz topic (arrival)',
  httpRequest: 'HTTP request -> 201',
  /** The same events through a temporary second connector with proposed settings (--connector-variant). */
  variantArrival: 'commit -> variant dbz topic (arrival)',
  variantRouted: 'commit -> variant routed topic (arrival)',
  variantSent: 'commit -> variant SENT (inbox.processed_at)',
} as const;

export type HopName = (typeof hops)[keyof typeof hops];

/** Per-stage hops: where the time between two end points goes, for finding the dominant one. */
export const stageHops = {
  walToCdc: 'WAL commit (source.ts_ms) -> dbz topic (arrival)',
  router: 'dbz topic -> routed topic (router stage)',
  notifier: 'routed topic -> SENT (notifier stage)',
} as const;

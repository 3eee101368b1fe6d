import { isNotified } from '../../service/contract/events.ts';

/** What was found at each hop of one event's path; null where it was not (yet) found. */
export interface TraceFacts {
  /** traceId: the W3C trace id the outbox row carries (look the trace up in Jaeger or Tempo by it); null without one. */
  event: { id: string; aggregateId: string; eventType: string; createdAt: Date; traceId: string | null };
  cdc: { partition: number; offset: number; timestamp: Date; committedAt: Date | null } | null;
  routed: { topic: string; partition: number; offset: number; timestamp: Date } | null;
  deadLetter: { stage: string; errorCode: string; errorMessage: string; failedAt: string; partition: number; offset: number } | null;
  inbox: { processedAt: Date } | null;
  notification: { id: string; status: string; sentAt: Date | null } | null;
  capture?: { connectorState: string; taskStates: string[]; slotActive: boolean | null; slotRetainedBytes: number | null };
}

export type Verdict = 'delivered' | 'dead-lettered' | 'in flight' | 'not yet captured';

export interface Hop {
  name: string;
  ms: number | null;
}

export interface TraceReport {
  verdict: Verdict;
  reason: string;
  hops: Hop[];
  totalMs: number | null;
}

/**
 * Pure: the verdict and per-hop latency from the facts. A delivery wins over a dead letter, since
 * a replayed dead letter may have been delivered later.
 */
export function traceVerdict(facts: TraceFacts): TraceReport {
  const committedAt = facts.cdc?.committedAt ?? facts.event.createdAt;
  const deliveredAt = facts.notification?.sentAt ?? facts.inbox?.processedAt ?? null;
  const hops: Hop[] = [
    { name: 'commit -> captured (dbz topic)', ms: between(committedAt, facts.cdc?.timestamp) },
    { name: 'captured -> routed', ms: between(facts.cdc?.timestamp, facts.routed?.timestamp) },
    { name: 'routed -> delivered (SENT)', ms: between(facts.routed?.timestamp, deliveredAt) },
  ];
  const totalMs = between(committedAt, deliveredAt);
  if (facts.inbox !== null && (facts.notification === null || facts.notification.status === 'SENT')) {
    return { verdict: 'delivered', reason: `handled once (inbox) and the notification is ${facts.notification?.status ?? 'not tracked'}`, hops, totalMs };
  }
  if (facts.deadLetter !== null) {
    const { stage, errorCode, errorMessage } = facts.deadLetter;
    return { verdict: 'dead-lettered', reason: `${stage} stage: ${errorCode}: ${errorMessage}`, hops, totalMs: null };
  }
  if (facts.routed !== null && !isNotified(facts.event.eventType)) {
    const reason = `routed to ${facts.routed.topic}, its destination: no notification follows a ${facts.event.eventType}`;
    return { verdict: 'delivered', reason, hops: hops.slice(0, 2), totalMs: between(committedAt, facts.routed.timestamp) };
  }
  if (facts.cdc !== null || facts.routed !== null) {
    const where = facts.routed !== null ? 'routed, waiting for the notification handler' : 'captured, waiting for the router';
    return { verdict: 'in flight', reason: where, hops, totalMs: null };
  }
  return { verdict: 'not yet captured', reason: captureReason(facts.capture), hops, totalMs: null };
}

function captureReason(capture: TraceFacts['capture']): string {
  if (capture === undefined) return 'no record on the CDC topic yet';
  const tasks = capture.taskStates.length === 0 ? 'no task' : `task ${capture.taskStates.join(', ')}`;
  const slot =
    capture.slotActive === null
      ? 'replication slot missing'
      : `slot ${capture.slotActive ? 'active' : 'INACTIVE'}, ${capture.slotRetainedBytes ?? '?'} bytes of WAL behind`;
  return `no record on the CDC topic yet; connector ${capture.connectorState}, ${tasks}; ${slot}`;
}

function between(from: Date | null | undefined, to: Date | null | undefined): number | null {
  if (from === null || from === undefined || to === null || to === undefined) return null;
  return to.getTime() - from.getTime();
}

import { isNotified } from '../../service/contract/events.ts';
/** Where along the pipeline an event was seen: the CDC topic, the routed topic, the handler's inbox, the notification it marks SENT. */
export type Hop = 'cdc' | 'routed' | 'handled' | 'sent';

export interface SeenRecord {
  partition: number;
  offset: number;
  /** Re-published by `cli dlq replay` (it carries a replay-of header). */
  replay: boolean;
}

/** Everything the audit found of one outbox event of the window. */
export interface AuditFacts {
  eventId: string;
  eventType: string;
  aggregateId: string;
  createdAtMs: number;
  cdc: SeenRecord[];
  routed: SeenRecord[];
  deadLetters: Array<{ stage: string; code: string; ref: string }>;
  /** The handler's inbox has the event: its effect was applied (the inbox's key makes that at most once). */
  handled: boolean;
  /** The status of the notification the payload names (absent: no such row); undefined when it names none. */
  notificationStatus: string | undefined;
}

export type FindingKind = 'missing' | 'duplicate' | 'out-of-order' | 'dead-lettered' | 'in-flight';

export interface Finding {
  eventId: string;
  eventType: string;
  key: string;
  kind: FindingKind;
  hop: Hop;
  detail: string;
  /** Makes the audit fail (exit 1): something is lost, stuck or reordered, not merely repeated or young. */
  failing: boolean;
}

export interface AuditOptions {
  nowMs: number;
  /** An event younger than this that has not reached a hop yet is in flight, not missing. */
  graceMs: number;
}

/**
 * What is wrong with one event, hop by hop. A duplicate is reported but does not fail the audit
 * when the effect was applied once (at-least-once delivery with an inbox is the design); a dead
 * letter that a replay later got handled is reported and does not fail either.
 */
export function auditEvent(facts: AuditFacts, { nowMs, graceMs }: AuditOptions): Finding[] {
  const findings: Finding[] = [];
  const add = (kind: FindingKind, hop: Hop, detail: string, failing: boolean) =>
    findings.push({ eventId: facts.eventId, eventType: facts.eventType, key: facts.aggregateId, kind, hop, detail, failing });
  const ageMs = nowMs - facts.createdAtMs;
  const young = ageMs < graceMs;
  const deadAt = (stage: string) => facts.deadLetters.filter((dead) => dead.stage === stage);
  const describeDead = (dead: AuditFacts['deadLetters']) => dead.map((d) => `${d.code} (${d.ref})`).join(', ');
  const notYet = (hop: Hop, where: string) =>
    young ? add('in-flight', hop, `not ${where} yet, ${Math.round(ageMs / 1000)} s old`, false) : add('missing', hop, `never ${where}`, true);

  if (facts.cdc.length === 0) notYet('cdc', 'captured on the CDC topic');
  else if (facts.routed.length === 0) {
    const dead = deadAt('route');
    if (dead.length > 0) add('dead-lettered', 'routed', `by the router: ${describeDead(dead)}`, true);
    else notYet('routed', 'routed');
  } else if (!isNotified(facts.eventType)) {
    // Routed is as far as the audit follows it: no inbox records it (the projection keeps positions, not event ids).
    // A dead letter of a reader fails the audit until a replay of it is on the routed topic.
    const replayed = facts.routed.some((record) => record.replay);
    if (facts.deadLetters.length > 0)
      add('dead-lettered', 'handled', `by a reader: ${describeDead(facts.deadLetters)}${replayed ? ', since replayed' : ''}`, !replayed);
  } else if (!facts.handled) {
    const dead = facts.deadLetters.filter((d) => d.stage !== 'route');
    if (dead.length > 0) add('dead-lettered', 'handled', `by the handler: ${describeDead(dead)}`, true);
    else notYet('handled', 'handled');
  } else {
    if (facts.deadLetters.length > 0) add('dead-lettered', 'handled', `${describeDead(facts.deadLetters)}, since replayed and handled`, false);
    // The inbox row and SENT commit in one transaction: one without the other means someone changed either since.
    if (facts.notificationStatus !== undefined && facts.notificationStatus !== 'SENT')
      add('missing', 'sent', `the inbox has the event but its notification is ${facts.notificationStatus}`, true);
  }
  const effect = facts.handled ? 'effect applied once' : 'effect not applied';
  for (const [hop, seen] of [
    ['cdc', facts.cdc],
    ['routed', facts.routed],
  ] as const) {
    if (seen.length < 2) continue;
    const replays = seen.filter((record) => record.replay).length;
    add('duplicate', hop, `${seen.length} records (${replays} of them replays): ${seen.map((r) => `${r.partition}@${r.offset}`).join(', ')}; ${effect}`, false);
  }
  return findings;
}

/**
 * Per key, the routed records must follow the CDC order. Replays are left out: a replay comes
 * after whatever its key did since, by nature; `cli dlq replay` keeps the order among the replays.
 */
export function auditOrder(events: readonly AuditFacts[]): Finding[] {
  const byKey = new Map<string, AuditFacts[]>();
  for (const event of events) byKey.set(event.aggregateId, [...(byKey.get(event.aggregateId) ?? []), event]);
  const findings: Finding[] = [];
  for (const [key, keyed] of byKey) {
    const first = (seen: SeenRecord[]) => seen.find((record) => !record.replay);
    const ordered = keyed
      .map((event) => ({ event, cdc: first(event.cdc), routed: first(event.routed) }))
      .filter((e): e is { event: AuditFacts; cdc: SeenRecord; routed: SeenRecord } => e.cdc !== undefined && e.routed !== undefined)
      .sort((a, b) => a.cdc.offset - b.cdc.offset);
    let latest: { eventId: string; offset: number } | undefined;
    for (const { event, routed } of ordered) {
      if (latest !== undefined && routed.offset < latest.offset) {
        findings.push({
          eventId: event.eventId,
          eventType: event.eventType,
          key,
          kind: 'out-of-order',
          hop: 'routed',
          detail: `routed at ${routed.partition}@${routed.offset}, before ${latest.eventId} (at ${latest.offset}) that precedes it on the CDC topic`,
          failing: true,
        });
      } else latest = { eventId: event.eventId, offset: routed.offset };
    }
  }
  return findings;
}

export interface AuditReport {
  window: { since: string; until: string };
  graceSeconds: number;
  events: number;
  /** Events with no finding at all. */
  clean: number;
  counts: Record<FindingKind, number>;
  findings: Finding[];
  ok: boolean;
}

export function auditReport(events: readonly AuditFacts[], options: AuditOptions & { sinceMs: number }): AuditReport {
  const findings = [...events.flatMap((event) => auditEvent(event, options)), ...auditOrder(events)];
  const counts: Record<FindingKind, number> = { missing: 0, duplicate: 0, 'out-of-order': 0, 'dead-lettered': 0, 'in-flight': 0 };
  for (const finding of findings) counts[finding.kind]++;
  const flagged = new Set(findings.map((finding) => finding.eventId));
  return {
    window: { since: new Date(options.sinceMs).toISOString(), until: new Date(options.nowMs).toISOString() },
    graceSeconds: options.graceMs / 1000,
    events: events.length,
    clean: events.filter((event) => !flagged.has(event.eventId)).length,
    counts,
    findings,
    ok: findings.every((finding) => !finding.failing),
  };
}

import type { TraceFacts, TraceReport } from './trace-verdict.ts';

const iso = (d: Date | null | undefined) => (d === null || d === undefined ? '-' : d.toISOString());
const ms = (n: number | null | undefined) => (n === null || n === undefined ? '' : `  (+${n} ms)`);

/** The human form of one event's trace: one line per hop, then the verdict. */
export function formatTrace(facts: TraceFacts, report: TraceReport): string {
  const [captured, routed, delivered] = report.hops;
  const lines = [
    `event ${facts.event.id}  ${facts.event.eventType}  aggregate ${facts.event.aggregateId}`,
    `  trace id       ${facts.event.traceId ?? 'none (the row carries no traceparent)'}`,
    `  outbox row     written ${iso(facts.event.createdAt)}${facts.cdc?.committedAt ? `, committed ${iso(facts.cdc.committedAt)} (WAL)` : ''}`,
    facts.cdc === null
      ? '  CDC record     not found'
      : `  CDC record     p${facts.cdc.partition} @${facts.cdc.offset}  ${iso(facts.cdc.timestamp)}${ms(captured?.ms)}`,
    facts.routed === null
      ? '  routed record  not found'
      : `  routed record  ${facts.routed.topic} p${facts.routed.partition} @${facts.routed.offset}  ${iso(facts.routed.timestamp)}${ms(routed?.ms)}`,
    ...(facts.deadLetter === null
      ? []
      : [
          `  dead letter    p${facts.deadLetter.partition} @${facts.deadLetter.offset}  ${facts.deadLetter.stage}: ${facts.deadLetter.errorCode} (${facts.deadLetter.errorMessage})`,
        ]),
    `  inbox          ${facts.inbox === null ? 'no entry' : `processed ${iso(facts.inbox.processedAt)}`}`,
    `  notification   ${facts.notification === null ? 'not found' : `${facts.notification.status}${facts.notification.sentAt ? ` at ${iso(facts.notification.sentAt)}` : ''}${ms(delivered?.ms)}`}`,
    `  verdict        ${report.verdict.toUpperCase()}: ${report.reason}${report.totalMs === null ? '' : `; commit -> SENT ${report.totalMs} ms`}`,
  ];
  return lines.join('\n');
}

import type { AuditReport, Finding } from './audit-verdict.ts';

/** `cli audit`: the verdict first, then the counts, then one line per finding (failing ones first). */
export function formatAudit(report: AuditReport): string {
  const verdict = report.ok
    ? `OK: every event of the window is accounted for`
    : `NOT OK: ${report.findings.filter((f) => f.failing).length} finding(s) need attention`;
  const counts = Object.entries(report.counts)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const findings = [...report.findings].sort((a, b) => Number(b.failing) - Number(a.failing)).map(formatFinding);
  return [
    `audit of ${report.window.since} .. ${report.window.until} (grace ${report.graceSeconds} s): ${report.events} event(s), ${report.clean} clean`,
    `  ${counts}`,
    ...findings,
    verdict,
  ].join('\n');
}

function formatFinding(finding: Finding): string {
  return `  ${finding.failing ? '!' : ' '} ${finding.kind.padEnd(13)} at ${finding.hop.padEnd(7)} event ${finding.eventId} ${finding.eventType} key ${finding.key}: ${finding.detail}`;
}

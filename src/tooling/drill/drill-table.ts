import type { DrillReport } from './run-drill.ts';

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

function columns(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`.trimEnd());
}

/** Pure: the drill's report as the table `make chaos` prints. */
export function drillTable(report: DrillReport): string[] {
  const list = (ids: readonly string[]) => `${ids.length}${ids.length > 0 ? ` (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''})` : ''}`;
  const inbox = Object.entries(report.inbox);
  return [
    '',
    'fault drill',
    ...columns([
      ['fault', 'recovered in', 'longest commit->SENT', 'in flight', 'committed', 'refused', 'unsent'],
      ...report.faults.map((f) => [
        f.fault,
        seconds(f.recoveredMs),
        seconds(f.latency.longestMs),
        String(f.latency.inFlight),
        String(f.committed),
        String(f.refused),
        String(f.latency.unsent),
      ]),
    ]),
    ...report.faults.map(
      (f) =>
        `  ${f.fault}: ${f.action} (${f.target})${f.note === undefined ? '' : `; ${f.note}`}${f.restarted.length > 0 ? `; ${f.restarted.join(', ')} exited meanwhile and was started again` : ''}`,
    ),
    '',
    `  committed       ${report.committed}`,
    `  refused         ${report.refused}${report.refused > 0 ? ' (attempts that did not commit while PostgreSQL was down: owed nothing)' : ''}`,
    `  SENT            ${report.sent}`,
    `  lost            ${list(report.lost)}`,
    `  sent twice      ${list(report.doubleEffects)}`,
    `  inbox rows      ${inbox.length === 0 ? '0' : inbox.map(([handler, n]) => `${n} ${handler}`).join(', ')}`,
    ...Object.entries(report.duplicates).map(([topic, n]) => `  duplicates      ${n} on ${topic} (redelivered; the inbox makes them no-ops)`),
    `  dead letters    ${report.deadLetters}`,
    `  verdict         ${report.ok ? 'PASS' : 'FAIL'}`,
  ];
}

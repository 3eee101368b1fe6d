import type { SoakReport } from './run-soak.ts';

const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
const ms = (seconds: number | undefined) => (seconds === undefined ? '-' : `${(seconds * 1000).toFixed(1)} ms`);

/** Pure: the soak's report as printed. */
export function soakTable(report: SoakReport): string[] {
  const rows = [
    ['process', 'RSS start', 'RSS end', 'RSS max', 'growth/hour', 'loop lag p99', 'loop lag max'],
    ...report.processes.map((p) => [
      p.name,
      mib(p.memory?.start),
      mib(p.memory?.end),
      mib(p.memory?.max),
      p.memory?.growthPerHour === undefined ? '-' : `${p.memory.growthPerHour >= 0 ? '+' : ''}${mib(p.memory.growthPerHour)}`,
      ms(p.lag?.p99),
      ms(p.lag?.max),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return [
    `soak: ${report.durationMs / 1000} s at ${report.ratePerSecond}/s (achieved ${report.achievedRatePerSecond.toFixed(1)}/s); growth is the least-squares slope after a ${report.warmUpMs / 1000} s warm-up`,
    ...rows.map((row) => `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`),
    `  registrations committed ${report.committed}, failed ${report.failed}, SENT ${report.sent}`,
  ];
}

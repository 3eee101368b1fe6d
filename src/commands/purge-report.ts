import type { PurgeReport } from '../service/retention/purge-batches.ts';

/** Progress on stderr at most every two seconds, so a purge of millions shows it is alive. */
export function progressPrinter(table: string): (report: PurgeReport) => void {
  let last = Date.now();
  return (report) => {
    if (Date.now() - last < 2_000) return;
    last = Date.now();
    process.stderr.write(`${table}: ${report.rows} row(s) deleted so far (${rate(report)} rows/s)\n`);
  };
}

export function describePurge(table: string, report: PurgeReport, size: { before: number; after: number }): string {
  return [
    `${table}: deleted ${report.rows} row(s), ${report.bytes} bytes of row data, in ${report.batches} batch(es) of ${report.elapsedMs} ms (${rate(report)} rows/s)`,
    `${table}: table with indexes ${size.before} -> ${size.after} bytes (the space is reused once VACUUM (autovacuum) has passed)`,
  ].join('\n');
}

function rate(report: PurgeReport): number {
  return report.elapsedMs === 0 ? report.rows : Math.round((report.rows * 1000) / report.elapsedMs);
}

export interface PurgeReport {
  rows: number;
  /** Bytes of row data deleted (pg_column_size of each row); the space becomes free for reuse after VACUUM. */
  bytes: number;
  batches: number;
  elapsedMs: number;
}

export interface BatchOptions {
  batchSize: number;
  /** Called after every batch, with the totals so far: long purges show progress. */
  onProgress?: (report: PurgeReport) => void;
  /** Checked between batches: a shutdown stops the purge at a batch boundary. */
  shouldStop?: () => boolean;
}

/**
 * Runs one short delete after another until a batch comes back short: each batch is its own
 * transaction, so no lock is held longer than one batch and registrations never wait behind a purge.
 */
export async function purgeInBatches(
  deleteBatch: (batchSize: number) => Promise<{ rows: number; bytes: number }>,
  { batchSize, onProgress, shouldStop }: BatchOptions,
): Promise<PurgeReport> {
  const started = Date.now();
  const report: PurgeReport = { rows: 0, bytes: 0, batches: 0, elapsedMs: 0 };
  for (;;) {
    if (shouldStop?.() === true) break;
    const batch = await deleteBatch(batchSize);
    report.rows += batch.rows;
    report.bytes += batch.bytes;
    report.batches += 1;
    report.elapsedMs = Date.now() - started;
    onProgress?.({ ...report });
    if (batch.rows < batchSize) break;
  }
  report.elapsedMs = Date.now() - started;
  return report;
}

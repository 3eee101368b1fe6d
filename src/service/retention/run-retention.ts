import { Counter } from 'prom-client';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { parseDuration } from '../duration.ts';
import { toAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { MetricsRegistry } from '../metrics/registry.ts';
import { createCaptureTracker, formatLsn } from './capture-watermark.ts';
import type { PurgeReport } from './purge-batches.ts';
import { purgeInbox } from './purge-inbox.ts';
import { purgeOutbox } from './purge-outbox.ts';
import { inboxRetentionMs, outboxRetentionMs } from './retention-settings.ts';

export interface RetentionOptions {
  config: Config;
  database: () => Db;
  logger: Logger;
  registry?: MetricsRegistry;
}

/**
 * The automatic purge of the outbox and the inbox, every PURGE_INTERVAL, run by the kafka-consumer
 * (README, "Operations": it must run for the pipeline to move at all, already reads the slot, and
 * purging there keeps the api-server's pool for registrations). Several consumers purging at once
 * skip each other's locked rows. A failed round is logged and the next one tries again.
 */
export function startRetention({ config, database, logger, registry }: RetentionOptions): { stop: () => Promise<void> } | undefined {
  const intervalMs = parseDuration(config.PURGE_INTERVAL)!;
  if (intervalMs === 0) return undefined;
  const deleted =
    registry === undefined
      ? undefined
      : {
          rows: new Counter({
            name: 'outbox_retention_deleted_rows_total',
            help: 'Rows the retention purge deleted.',
            labelNames: ['table'],
            registers: [registry],
          }),
          bytes: new Counter({
            name: 'outbox_retention_deleted_bytes_total',
            help: 'Row data the retention purge deleted (pg_column_size); free for reuse once vacuumed.',
            labelNames: ['table'],
            registers: [registry],
          }),
        };
  const tracker = createCaptureTracker(database(), config.SLOT_NAME);
  const outboxMs = outboxRetentionMs(config);
  const inboxMs = inboxRetentionMs(config);
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();

  const record = (table: string, report: PurgeReport) => {
    deleted?.rows.inc({ table }, report.rows);
    deleted?.bytes.inc({ table }, report.bytes);
    if (report.rows > 0) logger.info({ table, rows: report.rows, bytes: report.bytes, batches: report.batches, ms: report.elapsedMs }, 'retention purge');
  };

  const runRound = async () => {
    const db = database();
    const batches = { batchSize: config.PURGE_BATCH_SIZE, shouldStop: () => stopping };
    try {
      const { bound, confirmedLsn, latest } = await tracker.advance();
      if (bound === undefined)
        logger.debug(
          { slot: config.SLOT_NAME, confirmed: confirmedLsn === undefined ? null : formatLsn(confirmedLsn), waitingFor: formatLsn(latest.lsn) },
          'outbox purge waits: the slot has confirmed no watermark yet',
        );
      else record('outbox_events', await purgeOutbox(db, { olderThanMs: outboxMs, captured: bound, ...batches }));
      record('inbox', await purgeInbox(db, { olderThanMs: inboxMs, ...batches }));
    } catch (error) {
      logger.warn({ err: toAppError(error) }, 'retention purge failed; the next round tries again');
    }
  };

  const start = () => {
    round = runRound().finally(() => {
      if (stopping) return;
      timer = setTimeout(start, intervalMs);
      timer.unref();
    });
  };
  // A first round at once: its watermark is what the next round can use.
  start();
  logger.info({ outboxRetentionMs: outboxMs, inboxRetentionMs: inboxMs, intervalMs }, 'retention purge scheduled');

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await round;
    },
  };
}

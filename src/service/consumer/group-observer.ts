import type { AppError, ErrorCode } from '../errors.ts';
import type { SourceRecord } from './dead-letter.ts';

/** What a stage can tell about a record before handling it (stage-handlers.ts, `describe`). */
export interface RecordFacts {
  eventId?: string;
  eventType?: string;
  /** When the event's outbox row committed in PostgreSQL, epoch ms: the start of its freshness. */
  committedAtMs?: number;
  /** The W3C trace context the record carries. */
  traceparent?: string;
}

export interface ObservedRecord {
  record: SourceRecord;
  facts: RecordFacts;
}

export type RecordResult =
  | { kind: 'handled'; outcome: string }
  | { kind: 'dead-lettered'; code: ErrorCode }
  /** Left uncommitted for the next run: the group is stopping, or its dead letter could not be written. */
  | { kind: 'left' };

/** One unit of work: today one record, one transaction; a batching stage passes several. */
export interface RecordObservation {
  /** Runs the work inside the unit's trace context, so spans the handler starts are its children. */
  within<T>(work: () => Promise<T>): Promise<T>;
  attempted(seconds: number, error: AppError | undefined): void;
  retrying(error: AppError): void;
  /** Called exactly once. */
  finished(result: RecordResult): void;
}

/** Watches units of work whose records a stage has described (metrics, traces). */
export interface RecordObserver {
  start(records: readonly ObservedRecord[]): RecordObservation;
}

/**
 * The seam through which metrics and traces watch a consumer group, so neither lives in a stage's
 * handler: a new stage, or a stage that handles records in batches, is observed without a change
 * here. The record pipeline drives it.
 */
export interface GroupObserver {
  start(records: readonly SourceRecord[]): RecordObservation;
}

const quiet: RecordObservation = {
  within: (work) => work(),
  attempted: () => {},
  retrying: () => {},
  finished: () => {},
};

export const noObserver: GroupObserver = { start: () => quiet };

/**
 * The group's observer: each record is described once by its stage, then shown to every observer.
 * With none, nothing is described (no parse of the record) and nothing is recorded.
 */
export function observeGroup(describe: (record: SourceRecord) => RecordFacts, observers: readonly RecordObserver[]): GroupObserver {
  if (observers.length === 0) return noObserver;
  return {
    start(records) {
      const observed = records.map((record) => ({ record, facts: describe(record) }));
      const all = observers.map((observer) => observer.start(observed));
      return {
        // Nested, so the first observer's context is the outermost.
        within: <T>(work: () => Promise<T>): Promise<T> => {
          let run = work;
          for (const observation of [...all].reverse()) {
            const inner = run;
            run = () => observation.within(inner);
          }
          return run();
        },
        attempted: (seconds, error) => {
          for (const observation of all) observation.attempted(seconds, error);
        },
        retrying: (error) => {
          for (const observation of all) observation.retrying(error);
        },
        finished: (result) => {
          for (const observation of all) observation.finished(result);
        },
      };
    },
  };
}

import { type ErrorCode, isAppError } from '../errors.ts';
import type { Headers } from './record-headers.ts';

export type Stage = 'route' | 'notify';

/** A consumed record as the dead-letter builder needs it: everything needed to replay it. */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers | undefined;
}

export interface DeadLetterMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
}

/** Every header the dead-letter topic adds; one prefix, so they never collide with the original's. */
export const deadLetterHeaders = {
  stage: 'dlq-stage',
  errorCode: 'dlq-error-code',
  errorMessage: 'dlq-error-message',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  originalTimestamp: 'dlq-original-timestamp',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

const headerPrefix = 'dlq-';
const maxMessageLength = 1_000;

export interface DeadLetterInput {
  record: SourceRecord;
  stage: Stage;
  error: unknown;
  attempts: number;
  failedAt: Date;
}

/**
 * The dead-letter record: the original key, value and headers untouched (so it can be replayed
 * byte for byte) plus why, where and when it failed. Headers from an earlier dead-lettering of
 * the same record are replaced, not duplicated.
 */
export function buildDeadLetter({ record, stage, error, attempts, failedAt }: DeadLetterInput): DeadLetterMessage {
  const kept = Object.fromEntries(Object.entries(record.headers ?? {}).filter(([name, value]) => !name.startsWith(headerPrefix) && value !== undefined));
  const { code, message } = describe(error);
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...kept,
      [deadLetterHeaders.stage]: stage,
      [deadLetterHeaders.errorCode]: code,
      [deadLetterHeaders.errorMessage]: truncate(message, maxMessageLength),
      [deadLetterHeaders.originalTopic]: record.topic,
      [deadLetterHeaders.originalPartition]: String(record.partition),
      [deadLetterHeaders.originalOffset]: record.offset,
      [deadLetterHeaders.originalTimestamp]: record.timestamp,
      [deadLetterHeaders.attempts]: String(attempts),
      [deadLetterHeaders.failedAt]: failedAt.toISOString(),
    },
  };
}

function describe(error: unknown): { code: ErrorCode; message: string } {
  if (isAppError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

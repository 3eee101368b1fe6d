import { deadLetterHeaderPrefix, deadLetterHeaders, type Headers } from '../contract/headers.ts';
import type { DeadLetterStage } from '../contract/stages.ts';
import { type ErrorCode, isAppError } from '../errors.ts';

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

const maxMessageLength = 1_000;

export interface DeadLetterInput {
  record: SourceRecord;
  stage: DeadLetterStage;
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
  const kept = Object.fromEntries(
    Object.entries(record.headers ?? {}).filter(([name, value]) => !name.startsWith(deadLetterHeaderPrefix) && value !== undefined),
  );
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

import { decodeValue } from '../observe/decode-value.ts';
import type { CodeSummary } from './dead-letter-selector.ts';
import type { ListedDeadLetter } from './read-dead-letters.ts';

/** `cli dlq list`: one block per dead letter, then the summary by code. */
export function formatDeadLetterList(entries: readonly ListedDeadLetter[], summary: readonly CodeSummary[]): string {
  if (entries.length === 0) return 'no dead letters match';
  const blocks = entries.map((entry) => {
    const original = entry.original === undefined ? '(unknown)' : `${entry.original.topic}[${entry.original.partition}]@${entry.original.offset}`;
    return [
      `${entry.at.partition}:${entry.at.offset}  ${new Date(entry.at.timestamp).toISOString()}  ${entry.stage}  ${entry.code}  ${replayState(entry)}`,
      `  event ${entry.eventId ?? '(none)'}  ${entry.eventType ?? ''}  aggregate ${entry.aggregateId ?? '(none)'}`,
      `  from ${original}  attempts ${entry.attempts ?? '?'}${entry.replayCount > 0 ? `  failed again on replay ${entry.replayCount} (of ${entry.replayOf})` : ''}`,
      `  reason: ${entry.reason}`,
    ].join('\n');
  });
  const total = summary.reduce((sum, row) => sum + row.count, 0);
  const table = summary.map((row) => `  ${row.code.padEnd(24)} ${String(row.count).padStart(6)}  ${row.stages.join(', ')}`);
  return [...blocks, '', `${total} dead letter(s) by code:`, ...table].join('\n');
}

function replayState(entry: ListedDeadLetter): string {
  const last = entry.replays.at(-1);
  return last === undefined ? 'not replayed' : `replayed ${entry.replays.length}x, last ${last.replayedAt.toISOString()}`;
}

/** `cli dlq show`: one dead letter whole. */
export function formatDeadLetter(entry: ListedDeadLetter): string {
  const headers = Object.entries(entry.originalHeaders).map(([name, value]) => `    ${name}: ${value}`);
  const history = entry.replays.map((replay) => `    ${replay.replayedAt.toISOString()}  replay ${replay.replayCount} -> ${entry.replayTopic}`);
  return [
    `dead letter ${entry.at.topic} ${entry.at.partition}:${entry.at.offset}  written ${new Date(entry.at.timestamp).toISOString()}`,
    `  stage:      ${entry.stage} (replays go to ${entry.replayTopic ?? 'nowhere: unknown stage'})`,
    `  error:      ${entry.code} after ${entry.attempts ?? '?'} attempt(s), at ${entry.failedAt ?? '?'}`,
    `  reason:     ${entry.reason}`,
    `  event:      ${entry.eventId ?? '(none)'} ${entry.eventType ?? ''}`,
    `  aggregate:  ${entry.aggregateId ?? '(none)'}`,
    `  key:        ${entry.key ?? '(null)'}`,
    `  original:   ${entry.original === undefined ? '(unknown)' : `${entry.original.topic}[${entry.original.partition}]@${entry.original.offset}${entry.original.timestamp === undefined ? '' : ` written ${new Date(entry.original.timestamp).toISOString()}`}`}`,
    `  replayed before it failed: ${entry.replayCount} time(s)${entry.replayOf === undefined ? '' : ` (this record replayed ${entry.replayOf})`}`,
    '  original headers:',
    ...(headers.length === 0 ? ['    (none)'] : headers),
    '  value:',
    `    ${JSON.stringify(decodeValue(entry.value), null, 2).replaceAll('\n', '\n    ')}`,
    '  replays of this dead letter:',
    ...(history.length === 0 ? ['    (none)'] : history),
  ].join('\n');
}

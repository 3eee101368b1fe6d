import type { TopicRecord } from '../../service/kafka/topic-reader.ts';
import { decodeValue } from './decode-value.ts';

/** One record as a JSON line (--json) or as a short human block. */
export function formatRecord(record: TopicRecord, { json }: { json: boolean }): string {
  const decoded = decodeValue(record.value);
  if (json) {
    return JSON.stringify({
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: new Date(record.timestamp).toISOString(),
      key: record.key,
      headers: record.headers,
      value: decoded,
    });
  }
  const headerText = Object.entries(record.headers)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  return [
    `${record.topic} p${record.partition} @${record.offset}  ${new Date(record.timestamp).toISOString()}  key=${record.key ?? '(null)'}`,
    ...(headerText === '' ? [] : [`  headers: ${headerText}`]),
    `  value:   ${typeof decoded === 'string' ? decoded : JSON.stringify(decoded)}`,
  ].join('\n');
}

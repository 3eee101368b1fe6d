import { readEnvelope } from '../../service/contract/envelope-reader.ts';

/**
 * A record value made readable: JSON is parsed, and the jsonb payload that Debezium sends as a
 * JSON string inside its envelope is parsed too, so a reader sees the event, not escaped text.
 */
export function decodeValue(value: string | null): unknown {
  if (value === null) return null;
  const envelope = readEnvelope(value);
  if (envelope === undefined) return parseOrText(value);
  const { after } = envelope;
  if (after === null || typeof after.payload !== 'string' || envelope.payloadMalformed) return envelope.body;
  return { ...envelope.body, after: { ...after, payload: envelope.payload } };
}

function parseOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

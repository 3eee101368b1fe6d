/**
 * A record value made readable: JSON is parsed, and the jsonb payload that Debezium sends as a
 * JSON string inside its envelope is parsed too, so a reader sees the event, not escaped text.
 */
export function decodeValue(value: string | null): unknown {
  if (value === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  const after = (parsed as { after?: { payload?: unknown } } | null)?.after;
  if (after !== null && typeof after === 'object' && typeof after.payload === 'string') {
    try {
      return { ...(parsed as object), after: { ...after, payload: JSON.parse(after.payload) } };
    } catch {
      return parsed;
    }
  }
  return parsed;
}

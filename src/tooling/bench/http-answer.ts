export interface HttpAnswer {
  status: number;
  /** By lower-case name. */
  headers: Record<string, string>;
  body: string;
}

/** Pure: an HTTP/1.1 answer (with a content-length) from the bytes read so far; undefined while incomplete. */
export function parseAnswer(received: Buffer): HttpAnswer | undefined {
  const headerEnd = received.indexOf('\r\n\r\n');
  if (headerEnd === -1) return undefined;
  const [statusLine = '', ...lines] = received.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const length = Number(headers['content-length'] ?? 0);
  if (received.length < headerEnd + 4 + length) return undefined;
  return { status: Number(statusLine.slice(9, 12)), headers, body: received.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8') };
}

import { randomBytes } from 'node:crypto';

// W3C Trace Context, version 00: version-traceid-parentid-flags, lowercase hex, ids not all zero.
const traceparentPattern = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function isValidTraceparent(value: string): boolean {
  return traceparentPattern.test(value);
}

/** Keeps the caller's trace when it sent a valid one; starts a new sampled trace otherwise. */
export function continueOrStartTrace(incoming: string | undefined | null): string {
  if (incoming !== undefined && incoming !== null && isValidTraceparent(incoming.trim())) return incoming.trim();
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

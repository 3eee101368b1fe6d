import { isIPv4, isIPv6 } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * Who a request comes from, as the rate limiter keys it. X-Forwarded-For is believed only for
 * the `trustedProxies` hops nearest to us (each proxy appends the address it saw): with one proxy,
 * the last entry is the client as that proxy saw it, and anything further left is whatever the
 * client chose to write. Express reads a hop count the same way.
 */
export function clientAddress(c: Context, trustedProxies: number): string {
  const socket = socketAddress(c);
  if (trustedProxies === 0) return clientKey(socket);
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Nearest first: the socket's peer, then X-Forwarded-For from right to left.
  const chain = [socket, ...forwarded.reverse()];
  return clientKey(chain[Math.min(trustedProxies, chain.length - 1)]!);
}

/** app.request() in tests has no socket: such requests share one bucket. */
function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * IPv4 as is (also when IPv4-mapped in IPv6); IPv6 by its /64, since one subscriber usually gets
 * a whole /64 and could otherwise take a fresh address, and a fresh bucket, per request.
 */
export function clientKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').replace(/%.*$/, '');
  if (isIPv4(plain)) return plain;
  if (isIPv6(plain)) return `${expandIPv6(plain).slice(0, 4).join(':')}::/64`;
  // Not an address (a proxy wrote "unknown", or garbage): its text is the key, bounded in length.
  return plain.slice(0, 64);
}

function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}

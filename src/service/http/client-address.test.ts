import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { clientAddress, clientKey } from './client-address.ts';

test('IPv4 is its own key, also when mapped into IPv6', () => {
  assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
  assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
});

test('IPv6 is keyed by its /64, however it is written', () => {
  assert.equal(clientKey('2001:db8:85a3:1:aaaa:bbbb:cccc:dddd'), '2001:db8:85a3:1::/64');
  assert.equal(clientKey('2001:0db8:85a3:0001::1'), '2001:db8:85a3:1::/64');
  assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(clientKey('::1'), '0:0:0:0::/64');
  assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(clientKey('64:ff9b::192.0.2.33'), '64:ff9b:0:0::/64');
});

test('anything else is keyed by its text, bounded', () => {
  assert.equal(clientKey('unknown'), 'unknown');
  assert.equal(clientKey('x'.repeat(500)).length, 64);
});

async function seenAs(trustedProxies: number, socket: string, forwardedFor?: string): Promise<string> {
  const app = new Hono().get('/', (c) => c.text(clientAddress(c, trustedProxies)));
  const headers: Record<string, string> = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  const response = await app.request('/', { headers }, { incoming: { socket: { remoteAddress: socket } } });
  return response.text();
}

test('without TRUST_PROXY the socket decides and X-Forwarded-For is ignored', async () => {
  assert.equal(await seenAs(0, '198.51.100.1', '203.0.113.9'), '198.51.100.1');
});

test('with TRUST_PROXY=n the n-th address from the right is the client; what the client wrote further left is not believed', async () => {
  // The client wrote "1.1.1.1" itself; our proxy appended the address it saw.
  assert.equal(await seenAs(1, '10.0.0.2', '1.1.1.1, 203.0.113.9'), '203.0.113.9');
  assert.equal(await seenAs(2, '10.0.0.2', '1.1.1.1, 203.0.113.9, 10.0.0.1'), '203.0.113.9');
  // Fewer entries than trusted hops: the furthest one there is.
  assert.equal(await seenAs(3, '10.0.0.2', '203.0.113.9'), '203.0.113.9');
  // No header: the socket.
  assert.equal(await seenAs(1, '198.51.100.1'), '198.51.100.1');
});

test('a request without a socket (app.request in tests) is "unknown"', async () => {
  const app = new Hono().get('/', (c) => c.text(clientAddress(c, 0)));
  assert.equal(await (await app.request('/')).text(), 'unknown');
});

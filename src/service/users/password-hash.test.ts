import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from './password-hash.ts';

test('a hash verifies its own password and no other', async () => {
  const hash = await hashPassword('correct horse battery staple', 10);
  assert.match(hash, /^\$scrypt\$ln=10,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
  assert.equal(await verifyPassword('correct horse battery staple', hash), true);
  assert.equal(await verifyPassword('correct horse battery stapler', hash), false);
});

test('the same password hashes differently each time (random salt)', async () => {
  assert.notEqual(await hashPassword('same password', 10), await hashPassword('same password', 10));
});

test('the default cost (2^17, 128 MiB) is within what Node allows', async () => {
  const hash = await hashPassword('p4ssw0rd!', 17);
  assert.equal(await verifyPassword('p4ssw0rd!', hash), true);
});

test('a malformed stored hash never verifies', async () => {
  assert.equal(await verifyPassword('x', 'plaintext'), false);
  assert.equal(await verifyPassword('x', '$scrypt$ln=10,r=8,p=1$$'), false);
});

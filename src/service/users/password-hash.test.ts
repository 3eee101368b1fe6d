import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeHashParams, type HashParams, hashPassword, owaspArgon2id, verifyPassword } from './password-hash.ts';

const cheapArgon2id: HashParams = { algorithm: 'argon2id', memoryKiB: 1_024, timeCost: 1, parallelism: 1 };
const cheapScrypt: HashParams = { algorithm: 'scrypt', logN: 10 };

// Written by the scrypt-only version of this module (SCRYPT_LOG_N=14): rows stored before argon2id must keep verifying.
const storedScrypt = '$scrypt$ln=14,r=8,p=1$dsTSqijkWjrePURVDm90qw$oz3yFo06oyaawHs9Lk4_lKTRt0wUT1xJjbunL56RKo8';

test('argon2id at OWASP minimum is the default cost, stored as a PHC string that verifies its own password and no other', async () => {
  assert.deepEqual(owaspArgon2id, { algorithm: 'argon2id', memoryKiB: 19_456, timeCost: 2, parallelism: 1 });
  const hash = await hashPassword('correct horse battery staple', owaspArgon2id);
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.equal(await verifyPassword('correct horse battery staple', hash), true);
  assert.equal(await verifyPassword('correct horse battery stapler', hash), false);
});

test('scrypt hashes stored by earlier versions still verify, by their PHC id', async () => {
  assert.equal(await verifyPassword('correct horse battery staple', storedScrypt), true);
  assert.equal(await verifyPassword('Correct horse battery staple', storedScrypt), false);
});

test('scrypt stays selectable, and one verifyPassword reads both algorithms', async () => {
  const scrypt = await hashPassword('p4ssw0rd!', cheapScrypt);
  assert.match(scrypt, /^\$scrypt\$ln=10,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
  const argon2id = await hashPassword('p4ssw0rd!', cheapArgon2id);
  assert.match(argon2id, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
  for (const hash of [scrypt, argon2id]) {
    assert.equal(await verifyPassword('p4ssw0rd!', hash), true, hash);
    assert.equal(await verifyPassword('p4ssw0rd?', hash), false, hash);
  }
});

test('the same password hashes differently each time (random salt)', async () => {
  for (const params of [cheapArgon2id, cheapScrypt]) assert.notEqual(await hashPassword('same password', params), await hashPassword('same password', params));
});

test('composed and decomposed accents are the same password (NFKC)', async () => {
  const hash = await hashPassword('caf\u00e9 au lait', cheapArgon2id);
  assert.equal(await verifyPassword('cafe\u0301 au lait', hash), true);
});

test('scrypt at its default cost (2^17, 128 MiB) is within what Node allows', async () => {
  const hash = await hashPassword('p4ssw0rd!', { algorithm: 'scrypt', logN: 17 });
  assert.equal(await verifyPassword('p4ssw0rd!', hash), true);
});

test('a malformed, truncated or foreign stored hash never verifies', async () => {
  assert.equal(await verifyPassword('x', 'plaintext'), false);
  assert.equal(await verifyPassword('x', '$scrypt$ln=10,r=8,p=1$$'), false);
  // A hash cut to a few characters decodes to no bytes: it must not compare equal to an empty key.
  assert.equal(await verifyPassword('anything', '$scrypt$ln=10,r=8,p=1$dsTSqijkWjrePURVDm90qw$a'), false);
  assert.equal(await verifyPassword('x', '$argon2id$v=19$m=1024,t=1,p=1$broken'), false);
  assert.equal(await verifyPassword('x', '$2b$10$abcdefghijklmnopqrstuu5lZ1cVnF2b8ZQf0WcKqQb2x6m1Yq0e2'), false);
});

test('describeHashParams names the algorithm and its cost', () => {
  assert.equal(describeHashParams(owaspArgon2id), 'argon2id m=19456 KiB, t=2, p=1');
  assert.equal(describeHashParams({ algorithm: 'scrypt', logN: 17 }), 'scrypt N=2^17, r=8, p=1');
});

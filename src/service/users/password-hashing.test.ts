import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { verifyPassword } from './password-hash.ts';
import { configuredHashing, createHashingQueue, hashParamsOf } from './password-hashing.ts';

/** A hash that finishes only when the test says so: the queue's state is then exactly known. */
function gatedHash() {
  const started: string[] = [];
  const gates: Array<() => void> = [];
  const hash = (password: string) => {
    started.push(password);
    return new Promise<string>((resolve) => gates.push(() => resolve(`hash of ${password}`)));
  };
  return {
    hash,
    started,
    openAll: () => {
      for (const open of gates.splice(0)) open();
    },
  };
}

test('at most `concurrency` hashes run; the next `maxWaiting` wait; one more is refused at once with OVERLOADED', { timeout: 10_000 }, async () => {
  const gated = gatedHash();
  const queue = createHashingQueue({ concurrency: 2, maxWaiting: 3 }, gated.hash);
  const accepted = ['a', 'b', 'c', 'd', 'e'].map((password) => queue.hash(password));
  assert.deepEqual(queue.depth(), { running: 2, waiting: 3 });
  assert.deepEqual(gated.started, ['a', 'b']);

  // Refused while every hash is still blocked: the refusal waited for nothing.
  await assert.rejects(queue.hash('f'), (error: unknown) => error instanceof AppError && error.code === 'OVERLOADED' && error.retryable);
  assert.deepEqual(gated.started, ['a', 'b'], 'a refused password is never hashed');

  while (gated.started.length < 5) {
    gated.openAll();
    await new Promise(setImmediate);
  }
  gated.openAll();
  assert.deepEqual(await Promise.all(accepted), ['hash of a', 'hash of b', 'hash of c', 'hash of d', 'hash of e']);
  assert.deepEqual(queue.depth(), { running: 0, waiting: 0 });
  const again = queue.hash('g');
  gated.openAll();
  assert.equal(await again, 'hash of g', 'a drained queue accepts again');
});

test('HASH_QUEUE_MAX=0: nothing waits, a registration finding every slot busy is refused', { timeout: 10_000 }, async () => {
  const gated = gatedHash();
  const queue = createHashingQueue({ concurrency: 1, maxWaiting: 0 }, gated.hash);
  const first = queue.hash('a');
  await assert.rejects(queue.hash('b'), (error: unknown) => error instanceof AppError && error.code === 'OVERLOADED');
  gated.openAll();
  assert.equal(await first, 'hash of a');
});

test('a failing hash frees its slot and reaches its caller', async () => {
  const queue = createHashingQueue({ concurrency: 1, maxWaiting: 0 }, async () => {
    throw new Error('out of memory');
  });
  await assert.rejects(queue.hash('a'), /out of memory/);
  await assert.rejects(queue.hash('b'), /out of memory/);
  assert.deepEqual(queue.depth(), { running: 0, waiting: 0 });
});

test('the settings choose the algorithm: argon2id by default, scrypt on request', async () => {
  assert.deepEqual(hashParamsOf(loadConfig({})), { algorithm: 'argon2id', memoryKiB: 19_456, timeCost: 2, parallelism: 1 });
  assert.deepEqual(hashParamsOf(loadConfig({ PASSWORD_HASH: 'scrypt', SCRYPT_LOG_N: '12' })), { algorithm: 'scrypt', logN: 12 });
  const hashing = configuredHashing(loadConfig({ ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' }));
  const hash = await hashing.hash('correct horse battery staple');
  assert.match(hash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
  assert.equal(await verifyPassword('correct horse battery staple', hash), true);
});

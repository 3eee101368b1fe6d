import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeConfig, loadConfig, maskUrlPassword } from './config.ts';
import { AppError } from './errors.ts';

test('defaults work with an empty environment', () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 5001);
  assert.equal(config.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/outbox');
  assert.equal(config.CDC_TOPIC, 'dbz.public.outbox_events');
  assert.equal(config.DLQ_TOPIC, 'eventdriven-examples.dlq');
  assert.equal(config.BODY_LIMIT_BYTES, 65_536);
  assert.ok(Object.isFrozen(config));
});

test('one error lists every bad variable', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'nope', DLQ_TOPIC: 'bad topic!', SCRYPT_LOG_N: '40' }),
    (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'CONFIG_INVALID');
      for (const key of ['PORT', 'DATABASE_URL', 'DLQ_TOPIC', 'SCRYPT_LOG_N']) assert.match(error.message, new RegExp(`${key}:`));
      return true;
    },
  );
});

test('blank values fall back to the default instead of failing', () => {
  assert.equal(loadConfig({ PORT: '  ' }).PORT, 5001);
});

test('describeConfig masks the database password and nothing else', () => {
  const lines = describeConfig(loadConfig({ DATABASE_URL: 'postgres://app:s3cr3t-pass@db:5432/outbox', PORT: '8080' }));
  assert.ok(lines.includes('DATABASE_URL=postgres://app:****@db:5432/outbox'));
  assert.ok(lines.includes('PORT=8080'));
  assert.ok(!lines.join('\n').includes('s3cr3t-pass'));
  assert.equal(maskUrlPassword('postgres://postgres@h/db'), 'postgres://postgres@h/db');
  assert.equal(maskUrlPassword('not a url'), '****');
});

test('the rate limit and hashing settings: defaults, TRUST_PROXY as a hop count, REDIS_URL checked and masked', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.RATE_LIMIT_BURST, 20);
  assert.equal(defaults.RATE_LIMIT_PER_MINUTE, 30);
  assert.equal(defaults.PASSWORD_HASH, 'argon2id');
  assert.equal(defaults.REDIS_URL, undefined);
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY, 1);
  assert.equal(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY, 0);
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY, 2);
  assert.throws(
    () => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379', PASSWORD_HASH: 'md5' }),
    (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.match(error.message, /REDIS_URL: a redis:\/\/ or rediss:\/\/ URL/);
      assert.match(error.message, /PASSWORD_HASH:/);
      return true;
    },
  );
  const lines = describeConfig(loadConfig({ REDIS_URL: 'redis://:hunter2@cache:6379/0' }));
  assert.ok(lines.includes('REDIS_URL=redis://:****@cache:6379/0'), lines.join('\n'));
  assert.ok(describeConfig(defaults).includes('REDIS_URL='));
});

test('retention settings: durations as written, and an inbox window shorter than a redelivery is refused', () => {
  const defaults = loadConfig({});
  assert.equal(defaults.OUTBOX_RETENTION, '7d');
  assert.equal(defaults.INBOX_RETENTION, undefined);
  assert.equal(loadConfig({ OUTBOX_RETENTION: '0' }).OUTBOX_RETENTION, '0');
  assert.throws(() => loadConfig({ OUTBOX_RETENTION: '7 days' }), /OUTBOX_RETENTION: a duration such as/);
  assert.throws(() => loadConfig({ INBOX_RETENTION: '3d' }), /INBOX_RETENTION: 3d is shorter than an event can be redelivered/);
  assert.throws(() => loadConfig({ INBOX_RETENTION: '8d', OUTBOX_RETENTION: '30d' }), /INBOX_RETENTION/);
  assert.equal(loadConfig({ INBOX_RETENTION: '10d' }).INBOX_RETENTION, '10d');
});

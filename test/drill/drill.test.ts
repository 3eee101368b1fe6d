import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli.ts';

// The short form of `make chaos`: registrations commit while the kafka-consumer is killed -9 and
// restarted; every one must be SENT exactly once, with no dead letter. Left to `make chaos`:
// - connect and kafka: their restarts take most of a minute each on a loaded machine;
// - second-consumer: a second process joining three groups took ~30 s to get its partitions, ~45 s
//   in all, above what this suite may spend on it;
// - postgres: it restarts the PostgreSQL serving DATABASE_URL in immediate mode, and this suite runs
//   on the machine's PostgreSQL, shared with the developer's own stack (make up) and anything else
//   on it: a test must never cut those sessions.
test('cli drill: a kafka-consumer killed -9 mid-stream loses nothing and doubles nothing', { timeout: 240_000 }, async () => {
  const drill = await runCli(['drill', '--faults', 'kafka-consumer', '--rate', '5', '--settle', '90s'], { timeoutMs: 230_000 });
  assert.equal(drill.code, 0, `${drill.stdout}\n${drill.stderr}`);
  assert.match(drill.stdout, /fault\s+recovered in\s+longest commit->SENT\s+in flight\s+committed\s+refused\s+unsent\n/);
  assert.match(drill.stdout, /\n {2}kafka-consumer\s+\d+\.\d s\s+\d+\.\d s\s+[1-9]\d*\s+\d+\s+0\s+0\n/);
  assert.match(drill.stdout, /kafka-consumer: kill -9 kafka-consumer \(pid \d+\)/);
  assert.match(drill.stdout, /lost {12}0\n/);
  assert.match(drill.stdout, /sent twice {6}0\n/);
  assert.match(drill.stdout, /dead letters {4}0\n/);
  assert.match(drill.stdout, /verdict {9}PASS/);
});

test('cli drill refuses a fault it does not know, naming the ones it does', async () => {
  const drill = await runCli(['drill', '--faults', 'redis']);
  assert.notEqual(drill.code, 0);
  assert.match(drill.stderr, /expected a comma-separated list of kafka-consumer, connect, kafka, postgres, second-consumer/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli.ts';

// The short form of `make chaos`: registrations commit while the kafka-consumer is killed -9 and
// restarted; every one must be SENT exactly once, with no dead letter. (Connect's restart takes
// most of a minute on a loaded machine: `make chaos` runs that fault too.)
test('cli drill: a kafka-consumer killed -9 mid-stream loses nothing and doubles nothing', { timeout: 240_000 }, async () => {
  const drill = await runCli(['drill', '--faults', 'kafka-consumer', '--rate', '5', '--settle', '90s'], { timeoutMs: 230_000 });
  assert.equal(drill.code, 0, `${drill.stdout}\n${drill.stderr}`);
  assert.match(drill.stdout, /kill -9 kafka-consumer\s+recovered in \d+\.\d s/);
  assert.match(drill.stdout, /lost {12}0\n/);
  assert.match(drill.stdout, /sent twice {6}0\n/);
  assert.match(drill.stdout, /dead letters {4}0\n/);
  assert.match(drill.stdout, /verdict {9}PASS/);
});

test('cli drill refuses a fault it does not know, naming the ones it does', async () => {
  const drill = await runCli(['drill', '--faults', 'postgres']);
  assert.notEqual(drill.code, 0);
  assert.match(drill.stderr, /expected a comma-separated list of kafka-consumer, connect/);
});

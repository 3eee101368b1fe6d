import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { benchReportSchema } from '../../src/tooling/bench/report-schema.ts';

// Runs `cli bench --quick` against the running stack (make up) and checks only that it works and
// that what it writes is well formed. Never timing: the numbers depend on the machine.

/** Every tag closed in order, nothing after the root: enough to know a browser will parse it. */
function assertWellFormedXml(text: string): void {
  const stack: string[] = [];
  const tags = text.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g);
  let consumed = 0;
  for (const match of tags) {
    const [, closing, name, , selfClosing] = match;
    if (closing === '/') assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (selfClosing !== '/') stack.push(name!);
    consumed++;
  }
  assert.ok(consumed > 0, 'no elements');
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.doesNotMatch(text.replace(/<[^>]*>/g, ''), /[<>]|&(?!(?:lt|gt|amp|quot|apos);)/, 'stray markup or unescaped entity in text');
}

test('cli bench --quick runs every scenario and writes a valid report, table and charts', { timeout: 600_000 }, async () => {
  const results = await mkdtemp(path.join(tmpdir(), 'bench-test-'));
  try {
    const child = spawn(process.execPath, ['src/cli.ts', 'bench', '--quick', '--results', results], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output);

    const reportPath = /^report: (.+)$/m.exec(output)?.[1];
    assert.ok(reportPath !== undefined, `no report path printed:\n${output}`);
    assert.match(output, /\[\s*\d+\.\ds\] /, 'progress lines');
    assert.match(output, /^Latency \(ms/m, 'the latency table');

    const report = benchReportSchema.parse(JSON.parse(await readFile(reportPath, 'utf8')));
    assert.equal(report.mode, 'quick');
    assert.equal(report.zeroLoss, true);
    assert.deepEqual(report.problems, []);
    const rates = [...new Set(report.latency.map((run) => run.targetRatePerSecond))];
    for (const rate of rates) {
      assert.ok(
        report.latency.some((run) => run.path === 'cdc' && run.targetRatePerSecond === rate),
        `cdc run at ${rate}/s`,
      );
      assert.ok(
        report.latency.some((run) => run.path === 'polling' && run.targetRatePerSecond === rate),
        `polling run at ${rate}/s`,
      );
    }
    assert.deepEqual(report.throughput.map((run) => run.path).sort(), ['cdc', 'polling']);
    assert.ok(report.http?.run !== null && report.http !== null);
    assert.ok(report.writeOverhead !== null && report.kafkaBaseline !== null);
    assert.ok(report.targets.length >= 4);
    assert.deepEqual(
      report.observability.map((run) => run.variant),
      ['off', 'metrics', 'metrics+traces'],
    );
    for (const run of report.observability) {
      assert.ok(run.delivered, `${run.variant}: every event SENT`);
      assert.ok(run.latency.summary.count > 0 && run.router.ratePerSecond > 0 && run.cpuMsPerThousand > 0, run.variant);
    }
    assert.ok(
      report.observability.filter((run) => run.variant !== 'off').every((run) => run.scrapes > 0),
      'metrics scraped',
    );
    assert.ok(report.observability.find((run) => run.variant === 'metrics+traces')!.spanExports > 0, 'spans exported');
    assert.equal(report.observability.find((run) => run.variant === 'off')!.spanExports, 0);
    assert.match(output, /^Cost of metrics and tracing/m);
    assert.deepEqual(
      [...new Set(report.notifierDrain.map((run) => run.batchMax))].sort((a, b) => a - b),
      [1, 200],
    );
    for (const run of report.notifierDrain) {
      assert.ok(run.delivered && run.deadLetters === 0 && run.notifier.ratePerSecond > 0, `notifier drain at batch ${run.batchMax}`);
    }
    assert.ok(report.routerDrain.length >= 2, 'router drain per producer setting');
    for (const run of report.routerDrain) assert.ok(run.delivered && run.router.ratePerSecond > 0, `router drain ${run.variant}`);
    const [pipeline] = report.pipelineDrain;
    assert.ok(pipeline?.loss.ok, 'the pipeline drained its backlog with nothing lost');
    assert.ok(pipeline.stages.length >= 4 && pipeline.stages.every((stage) => stage.ratePerSecond > 0), 'a rate for every stage');

    const directory = path.dirname(reportPath);
    const relay = await readFile(path.join(directory, 'relay-latency.svg'), 'utf8');
    assertWellFormedXml(relay);
    for (const rate of rates) {
      assert.match(relay, new RegExp(`<polyline [^>]*data-name="CDC ${rate}/s"`));
      assert.match(relay, new RegExp(`<polyline [^>]*data-name="polling ${rate}/s"`));
    }
    assertWellFormedXml(await readFile(path.join(directory, 'pipeline-latency.svg'), 'utf8'));
    assert.match(await readFile(path.join(directory, 'report.txt'), 'utf8'), /^Targets$/m);
  } finally {
    await rm(results, { recursive: true, force: true });
  }
});

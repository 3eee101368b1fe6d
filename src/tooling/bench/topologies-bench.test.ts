import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../service/config.ts';
import type { BenchContext } from './bench-context.ts';
import { runTopologies } from './topologies-bench.ts';

test('on a stack that is the cluster already, the scenario refuses before starting anything, naming what to run', async () => {
  const stackDir = await mkdtemp(path.join(os.tmpdir(), 'bench-topologies-'));
  try {
    // What `make up CLUSTER=1` records in its STACK_DIR.
    await writeFile(path.join(stackDir, 'topology'), 'cluster\n');
    const context = { config: loadConfig({ STACK_DIR: stackDir }), tag: 't', progress: () => {} } as unknown as BenchContext;
    const problems: string[] = [];
    await assert.rejects(
      runTopologies(context, {
        rounds: 1,
        ratePerSecond: 200,
        durationMs: 1_000,
        warmupMs: 0,
        drainTimeoutMs: 1_000,
        directory: stackDir,
        pollingTopic: 'p',
        problems,
      }),
      /the running stack is the cluster \(make up CLUSTER=1\).*run make down, then make up, then the bench again/,
    );
  } finally {
    await rm(stackDir, { recursive: true, force: true });
  }
});

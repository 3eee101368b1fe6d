import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Config } from '../../../service/config.ts';
import { createDatabase } from '../../../service/db/database.ts';
import { waitFor } from '../../../service/wait-for.ts';
import { stackPaths } from '../../stack/paths.ts';
import { processPid } from '../../stack/process-lifecycle.ts';
import { findStackProcess } from '../../stack/stack-processes.ts';
import { startApiServerChild } from '../api-server-child.ts';
import { runPacedWrites } from '../paced-writes.ts';
import { eventLoopLag, residentBytes } from './process-readings.ts';
import { type LagSummary, type MemorySummary, type Sample, summarizeLag, summarizeMemory } from './soak-stats.ts';

export interface SoakOptions {
  durationMs: number;
  ratePerSecond: number;
  sampleEveryMs: number;
  progress: (line: string) => void;
}

export interface SoakProcess {
  name: string;
  memory: MemorySummary | undefined;
  lag: LagSummary | undefined;
}

export interface SoakReport {
  durationMs: number;
  warmUpMs: number;
  ratePerSecond: number;
  achievedRatePerSecond: number;
  committed: number;
  failed: number;
  sent: number;
  processes: SoakProcess[];
}

interface Watched {
  name: string;
  pid: () => Promise<number | undefined>;
  metricsUrl?: string;
  rss: Sample[];
  lag: Array<{ p99: number; max: number }>;
}

/**
 * Steady registrations over HTTP for `durationMs`, into an api-server of the soak's own (no rate
 * limit, a cheap hash: the soak looks for leaks, not hashing cost) writing to the stack's database,
 * while every `sampleEveryMs` it reads the RSS of that api-server, the stack's kafka-consumer, broker
 * and Connect, and the Node processes' event-loop lag from their /metrics.
 */
export async function runSoak(config: Config, { durationMs, ratePerSecond, sampleEveryMs, progress }: SoakOptions): Promise<SoakReport> {
  const context = { config, paths: stackPaths(config) };
  const stackPid = (name: string) => () => processPid(findStackProcess(name)!, context);
  const api = await startApiServerChild(
    { RATE_LIMIT_PER_MINUTE: '0', HASH_QUEUE_MAX: '1000', ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1', LOG_LEVEL: 'warn' },
    // A loaded machine may take over a minute to start a Node process; the soak is long anyway.
    { timeoutMs: 180_000 },
  );
  const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2, applicationName: 'soak' });
  const watched: Watched[] = [
    { name: 'api-server', pid: async () => api.pid, metricsUrl: `${api.base}/metrics`, rss: [], lag: [] },
    {
      name: 'kafka-consumer',
      pid: stackPid('kafka-consumer'),
      metricsUrl: config.METRICS_PORT > 0 ? `http://${config.HOST}:${config.METRICS_PORT}/metrics` : undefined,
      rss: [],
      lag: [],
    },
    { name: 'kafka (JVM)', pid: stackPid('kafka'), rss: [], lag: [] },
    { name: 'connect (JVM)', pid: stackPid('connect'), rss: [], lag: [] },
  ];
  const started = Date.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const t = Date.now() - started;
      // In parallel: one slow /metrics answer must not delay the other processes' readings.
      await Promise.all(
        watched.map(async (w) => {
          const pid = await w.pid();
          const rss = pid === undefined ? undefined : await residentBytes(pid);
          if (rss !== undefined) w.rss.push({ t, value: rss });
          const lag = w.metricsUrl === undefined ? undefined : await eventLoopLag(w.metricsUrl);
          if (lag !== undefined) w.lag.push(lag);
        }),
      );
      await sleep(Math.max(0, sampleEveryMs - (Date.now() - started - t)));
    }
  })();
  try {
    // Read once so the first interval's lag starts now, not at the process's start.
    for (const w of watched) if (w.metricsUrl !== undefined) await eventLoopLag(w.metricsUrl);
    const tag = started.toString(36);
    let lastProgress = Date.now();
    const writes = await runPacedWrites({
      count: Math.round((ratePerSecond * durationMs) / 1000),
      ratePerSecond,
      stopAfterMs: durationMs,
      write: async (index) => {
        const response = await fetch(`${api.base}/api/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `soak-${tag}-${index}@bench.example.com`, password: `soak password ${index}` }),
        });
        const body = (await response.json()) as { id?: string };
        if (response.status !== 201 || typeof body.id !== 'string') throw new Error(`registration answered ${response.status}`);
        return body.id;
      },
      onProgress: (written) => {
        if (Date.now() - lastProgress < 30_000) return;
        lastProgress = Date.now();
        const rss = watched.map((w) => `${w.name} ${((w.rss.at(-1)?.value ?? 0) / 2 ** 20).toFixed(0)} MiB`).join(', ');
        progress(`soak: ${written} registrations, ${Math.round((Date.now() - started) / 1000)} s of ${durationMs / 1000} s; RSS ${rss}`);
      },
    });
    progress(`soak: ${writes.ids.length} registrations committed (${writes.failures} failed); waiting for every one to be SENT`);
    const sentCount = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from notifications where status = 'SENT' and user_id = any(${writes.ids}::uuid[])`.execute(db))
        .rows[0]!.n;
    const sent = await waitFor(async () => ((await sentCount()) === writes.ids.length ? writes.ids.length : undefined), {
      what: 'every soak registration SENT',
      timeoutMs: 180_000,
      intervalMs: 1_000,
    }).catch(sentCount);
    sampling = false;
    await sampler;
    const warmUpMs = Math.min(120_000, durationMs / 4);
    return {
      durationMs,
      warmUpMs,
      ratePerSecond,
      achievedRatePerSecond: writes.achievedRatePerSecond,
      committed: writes.ids.length,
      failed: writes.failures,
      sent,
      processes: watched.map((w) => ({ name: w.name, memory: summarizeMemory(w.rss, warmUpMs), lag: summarizeLag(w.lag) })),
    };
  } finally {
    sampling = false;
    await sampler;
    await api.stop();
    await db.destroy();
  }
}

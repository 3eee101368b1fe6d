import { readFile } from 'node:fs/promises';

/** Resident set size of a live process, from /proc (bytes); undefined once it is gone. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kib = status?.match(/^VmRSS:\s+(\d+) kB$/m)?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

/** Pure: one unlabelled sample's value from Prometheus text exposition. */
export function metricValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  const value =
    line === undefined
      ? Number.NaN
      : Number(
          line
            .slice(name.length + 1)
            .trim()
            .split(' ')[0],
        );
  return Number.isFinite(value) ? value : undefined;
}

/** prom-client's event-loop lag since its previous scrape (it resets the histogram on each), in seconds. */
export async function eventLoopLag(metricsUrl: string): Promise<{ p99: number; max: number } | undefined> {
  const text = await fetch(metricsUrl, { signal: AbortSignal.timeout(3_000) })
    .then((response) => (response.ok ? response.text() : undefined))
    .catch(() => undefined);
  if (text === undefined) return undefined;
  const p99 = metricValue(text, 'nodejs_eventloop_lag_p99_seconds');
  const max = metricValue(text, 'nodejs_eventloop_lag_max_seconds');
  return p99 === undefined || max === undefined ? undefined : { p99, max };
}

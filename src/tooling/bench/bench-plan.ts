export type BenchMode = 'quick' | 'full';

export const scenarioNames = [
  'latency',
  'polling',
  'http',
  'hashing',
  'flood',
  'throughput',
  'overhead',
  'baseline',
  'observability',
  'notifier-drain',
  'router-drain',
  'pipeline-drain',
  'projection',
  'topologies',
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

/** Every size of a run in one place, so quick and full differ only here. */
export interface BenchPlan {
  mode: BenchMode;
  scenarios: ReadonlySet<ScenarioName>;
  latencyRates: number[];
  latencyDurationMs: number;
  httpDurationMs: number;
  httpLoadShare: number;
  /** Per KDF compared (scrypt 2^17, argon2id at OWASP's minimum). */
  hashingDurationMs: number;
  floodRequests: number;
  throughputEvents: number;
  pollingThroughputEvents: number;
  batchSize: number;
  insertConcurrency: number;
  overhead: { ratePerSecond: number; concurrency: number; rounds: number; perRound: number };
  baselineRecords: number;
  /** What metrics and traces cost the consumer: each variant runs this many times, in alternating order. */
  observability: { rounds: number; ratePerSecond: number; durationMs: number; drainEvents: number };
  /** The notifier alone draining a backlog, per NOTIFIER_BATCH_MAX, in alternating order. */
  notifierDrain: { rounds: number; events: number };
  /** The router alone draining a backlog, per producer setting, in alternating order. */
  routerDrain: { rounds: number; events: number };
  /** Registrations committed while Debezium is held, then drained by the whole pipeline. */
  pipelineDrainEvents: number;
  /** Drains per connector setting (live, and the overrides when given), in alternating order. */
  pipelineDrainRounds: number;
  /** Connector settings the pipeline drain also runs with, on the live connector (connector-settings.ts). */
  pipelineDrainConnector?: Record<string, string>;
  /** The read side: lag at a fixed rate, and a rebuild after a burst (projection-bench.ts). */
  projection: { lagRatePerSecond: number; lagEvents: number; rebuildBurst: number };
  /** commit -> SENT on the single node and on a cluster started beside it, alternating rounds of the same length (topologies-bench.ts). */
  /** warmupMs: a run on each topology before the rounds, not reported (a cluster just started has cold JVMs). */
  topologies: { rounds: number; ratePerSecond: number; durationMs: number; warmupMs: number };
  pollingIntervalMs: number;
  pollingBatchSize: number;
  drainTimeoutMs: number;
  /** Connector settings to measure beside the live ones during the latency runs (connector-variant.ts). */
  connectorVariant?: Record<string, string>;
}

/**
 * Full: the rates and a 100,000-event burst, a few minutes on two cores. Quick: the same
 * steps small enough for a smoke test (well under a minute when the stack is warm).
 */
export function benchPlan(mode: BenchMode, only?: readonly ScenarioName[]): BenchPlan {
  const scenarios = new Set<ScenarioName>(only === undefined || only.length === 0 ? defaultScenarios(mode) : only);
  const shared = { pollingIntervalMs: 100, pollingBatchSize: 1_000, batchSize: 1_000, insertConcurrency: 3, httpLoadShare: 0.8, floodRequests: 500 };
  if (mode === 'quick') {
    return {
      ...shared,
      mode,
      scenarios,
      latencyRates: [50, 200],
      latencyDurationMs: 3_000,
      httpDurationMs: 3_000,
      hashingDurationMs: 3_000,
      throughputEvents: 5_000,
      pollingThroughputEvents: 5_000,
      overhead: { ratePerSecond: 200, concurrency: 8, rounds: 2, perRound: 200 },
      baselineRecords: 5_000,
      observability: { rounds: 1, ratePerSecond: 100, durationMs: 2_000, drainEvents: 1_000 },
      notifierDrain: { rounds: 1, events: 3_000 },
      routerDrain: { rounds: 1, events: 10_000 },
      pipelineDrainEvents: 5_000,
      pipelineDrainRounds: 1,
      projection: { lagRatePerSecond: 200, lagEvents: 600, rebuildBurst: 5_000 },
      topologies: { rounds: 1, ratePerSecond: 200, durationMs: 3_000, warmupMs: 0 },
      drainTimeoutMs: 60_000,
    };
  }
  return {
    ...shared,
    mode,
    scenarios,
    latencyRates: [50, 200, 1_000],
    latencyDurationMs: 20_000,
    httpDurationMs: 20_000,
    hashingDurationMs: 15_000,
    throughputEvents: 100_000,
    pollingThroughputEvents: 100_000,
    overhead: { ratePerSecond: 200, concurrency: 8, rounds: 4, perRound: 1_000 },
    baselineRecords: 100_000,
    observability: { rounds: 2, ratePerSecond: 200, durationMs: 15_000, drainEvents: 10_000 },
    notifierDrain: { rounds: 2, events: 50_000 },
    routerDrain: { rounds: 2, events: 100_000 },
    pipelineDrainEvents: 200_000,
    pipelineDrainRounds: 1,
    projection: { lagRatePerSecond: 200, lagEvents: 4_000, rebuildBurst: 100_000 },
    topologies: { rounds: 2, ratePerSecond: 200, durationMs: 20_000, warmupMs: 5_000 },
    drainTimeoutMs: 300_000,
  };
}

/**
 * What a run without --only measures: everything in full; quick leaves out the topologies, since
 * starting a cluster of five JVMs takes minutes, not a smoke run's seconds (--only topologies runs it).
 */
export function defaultScenarios(mode: BenchMode): ScenarioName[] {
  return mode === 'full' ? [...scenarioNames] : scenarioNames.filter((name) => name !== 'topologies');
}

/** Parses --only a,b: unknown names are an error, not silently nothing. */
export function parseScenarios(list: string | undefined): ScenarioName[] {
  if (list === undefined || list.trim() === '') return [];
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(scenarioNames as readonly string[]).includes(name));
  if (unknown.length > 0) throw new RangeError(`unknown scenario ${unknown.join(', ')}: choose from ${scenarioNames.join(', ')}`);
  return names as ScenarioName[];
}

/** Parses --rates 50,200: positive numbers only. */
export function parseRates(list: string): number[] {
  const rates = list.split(',').map((part) => Number(part.trim()));
  if (rates.length === 0 || rates.some((rate) => !Number.isFinite(rate) || rate <= 0))
    throw new RangeError(`--rates wants positive numbers separated by commas, got ${JSON.stringify(list)}`);
  return rates;
}

/** Parses a positive whole number of an option, e.g. --drain-events 200000. */
export function parseCount(option: string, text: string): number {
  const count = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(count) || count <= 0) throw new RangeError(`${option} wants a positive whole number, got ${JSON.stringify(text)}`);
  return count;
}

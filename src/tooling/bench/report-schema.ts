import { z } from 'zod';

// The JSON report's contract. The bench validates its own output against it before writing, and
// the bench test validates a quick run's file, so a field renamed in one place fails loudly.

// null where there were no samples (JSON has no NaN).
const latencySummary = z.object({
  count: z.number().int().nonnegative(),
  min: z.number().nullable(),
  mean: z.number().nullable(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
});

/** 101 nearest-rank percentiles (p0..p100): enough to redraw the distribution without raw samples. */
const distribution = z.array(z.number()).length(101);

const hop = z.object({
  hop: z.string().min(1),
  summary: latencySummary,
  distribution: distribution.nullable(),
});

const lossCheck = z.object({
  expected: z.number().int().nonnegative(),
  /** Distinct events seen at each end point, by stage name. */
  delivered: z.record(z.string(), z.number().int().nonnegative()),
  dlqRecords: z.number().int().nonnegative(),
  ok: z.boolean(),
});

export const latencyRunSchema = z.object({
  path: z.enum(['cdc', 'polling', 'http']),
  targetRatePerSecond: z.number().positive(),
  achievedRatePerSecond: z.number().nonnegative(),
  events: z.number().int().nonnegative(),
  hops: z.array(hop).min(1),
  loss: lossCheck,
});

const stage = z.object({
  stage: z.string().min(1),
  events: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  ratePerSecond: z.number().nonnegative(),
});

export const throughputRunSchema = z.object({
  path: z.enum(['cdc', 'polling']),
  events: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  stages: z.array(stage).min(1),
  loss: lossCheck,
});

const transactionLoad = z.object({
  transactions: z.number().int().positive(),
  seconds: z.number().positive(),
  transactionsPerSecond: z.number().nonnegative(),
  latency: latencySummary,
});

const overheadComparison = {
  without: transactionLoad,
  /** The outbox row written to a same-shape table outside the publication: the insert alone. */
  unpublished: transactionLoad,
  /** The real outbox: published, so Debezium and the consumer react on the same machine. */
  with: transactionLoad,
  /** Mean transaction time with the outbox insert over without it, minus one, in percent. */
  overheadPercent: z.number(),
  unpublishedOverheadPercent: z.number(),
  throughputLossPercent: z.number(),
};

export const writeOverheadSchema = z.object({
  hashing: z.string().min(1),
  rounds: z.number().int().positive(),
  /** Open loop at a fixed rate: what one registration feels. */
  atRate: z.object({ ratePerSecond: z.number().positive(), ...overheadComparison }),
  /** Closed loop of concurrent clients: the capacity lost at saturation. */
  saturated: z.object({ concurrency: z.number().int().positive(), ...overheadComparison }),
});

export const kafkaBaselineSchema = z.object({
  topic: z.string().min(1),
  records: z.number().int().positive(),
  valueBytes: z.number().int().positive(),
  produce: z.object({ seconds: z.number().nonnegative(), ratePerSecond: z.number().nonnegative(), mibPerSecond: z.number().nonnegative() }),
  consume: z.object({ seconds: z.number().nonnegative(), ratePerSecond: z.number().nonnegative(), mibPerSecond: z.number().nonnegative() }),
  loss: lossCheck,
});

export const observabilityRunSchema = z.object({
  /** off: METRICS_PORT=0; metrics: on and scraped every 5 s; metrics+traces: and every record traced to an OTLP/HTTP endpoint. */
  variant: z.enum(['off', 'metrics', 'metrics+traces']),
  round: z.number().int().positive(),
  ratePerSecond: z.number().positive(),
  /** Commit of the user and notification rows -> SENT, the consumer fed right after each commit. */
  latency: hop,
  /** Drain of a burst: the router's sustained rate (its records' timestamps) and the notifier's. */
  router: stage,
  notifier: stage,
  /** The consumer's CPU time (user + system) per 1,000 records of the burst, router and notifier together. */
  cpuMsPerThousand: z.number().nonnegative(),
  scrapes: z.number().int().nonnegative(),
  spanExports: z.number().int().nonnegative(),
  delivered: z.boolean(),
});

/** The notification stage draining a backlog on its own, at one NOTIFIER_BATCH_MAX (notifier-drain.ts). */
export const notifierDrainRunSchema = z.object({
  batchMax: z.number().int().positive(),
  round: z.number().int().positive(),
  events: z.number().int().nonnegative(),
  /** Sustained rate: inbox processed_at, first to last. */
  notifier: stage,
  /** The notifier process's CPU time (user + system) per 1,000 records, from /proc. */
  cpuMsPerThousand: z.number().nonnegative(),
  deadLetters: z.number().int().nonnegative(),
  delivered: z.boolean(),
});

/** The router draining a backlog on its own, with one set of producer settings (router-drain.ts). */
export const routerDrainRunSchema = z.object({
  variant: z.string().min(1),
  round: z.number().int().positive(),
  events: z.number().int().nonnegative(),
  /** Sustained rate: the routed records' timestamps, first to last. */
  router: stage,
  /** The router process's CPU time (user + system) per 1,000 records, from /proc. */
  cpuMsPerThousand: z.number().nonnegative(),
  delivered: z.boolean(),
});

/** Debezium held, a backlog committed, released: each stage's drain and release -> all SENT (pipeline-drain.ts). */
export const pipelineDrainRunSchema = z.object({
  events: z.number().int().positive(),
  /** Connector settings laid over the live ones for this drain; empty: the live connector as `make up` registered it. */
  connector: z.record(z.string(), z.string()).default({}),
  stages: z.array(stage),
  /** CPU time (user + system) per 1,000 events over the drain, from /proc; null when the process was not found. */
  cpuMsPerThousand: z.object({
    connect: z.number().nonnegative().nullable(),
    /** PostgreSQL's walsender of the connector's slot (logical decoding); absent in reports made before it was measured. */
    walSender: z.number().nonnegative().nullable().default(null),
    kafkaConsumer: z.number().nonnegative().nullable(),
    /** The bench process while its polling relay drained the same events (its topic watching included). */
    pollingRelay: z.number().nonnegative().nullable(),
  }),
  loss: lossCheck,
});

/** One KDF behind a real api-server: HASH_CONCURRENCY clients in a closed loop. */
export const hashingRunSchema = z.object({
  hashing: z.string().min(1),
  clients: z.number().int().positive(),
  registrations: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  registrationsPerSecond: z.number().nonnegative(),
  /** Request -> 201. */
  latency: latencySummary,
});

/** N registrations at once against the hashing queue. */
export const floodSchema = z.object({
  hashing: z.string().min(1),
  hashConcurrency: z.number().int().positive(),
  hashQueueMax: z.number().int().nonnegative(),
  requests: z.number().int().positive(),
  /** Answers by HTTP status; "no answer" counts connections refused or reset. */
  statuses: z.record(z.string(), z.number().int().nonnegative()),
  /** Request -> 201. */
  accepted: latencySummary,
  /** Request -> 503 OVERLOADED. */
  shed: latencySummary,
  /** /healthz probed back to back while the flood lasted. */
  healthz: latencySummary,
  /** Probes that got no 200 (refused, reset, or another status). */
  healthzFailures: z.number().int().nonnegative(),
  /**
   * CPU time (user + system) during the flood, in ms: the api-server (hashing threads included), its
   * event loop thread alone (what every answer waits for), and the client process; all share the machine's cores.
   */
  cpuMs: z.object({ server: z.number().nonnegative(), serverEventLoop: z.number().nonnegative(), client: z.number().nonnegative() }).optional(),
  rows: z.object({
    accepted: z.number().int().nonnegative(),
    users: z.number().int().nonnegative(),
    notifications: z.number().int().nonnegative(),
    outboxEvents: z.number().int().nonnegative(),
    ok: z.boolean(),
  }),
  /**
   * The same flood against a bare node:http server that only answers 503 (bare-shed-server.ts):
   * the least any Node server takes here, the shed's floor. Its CPU time, user + system, in ms.
   */
  floor: z.object({ answered: latencySummary, serverCpuMs: z.number().nonnegative() }).optional(),
});

export const targetResultSchema = z.object({
  name: z.string().min(1),
  target: z.string().min(1),
  measured: z.string(),
  met: z.boolean().nullable(),
});

export const projectionRunSchema = z.object({
  lag: z.object({
    targetRatePerSecond: z.number().positive(),
    achievedRatePerSecond: z.number().nonnegative(),
    events: z.number().int().nonnegative(),
    /** Commit -> applied in the projection, for the newest event of each applied batch. */
    commitToAppliedMs: latencySummary,
  }),
  rebuild: z.object({
    records: z.number().int().nonnegative(),
    seconds: z.number().nonnegative(),
    ratePerSecond: z.number().nonnegative(),
    /** The swap transaction, its wait for the live projector included. */
    swapSeconds: z.number().nonnegative(),
    comparison: z.string(),
  }),
});

/** Resident memory of one process of a stack, from /proc/<pid>/status (VmRSS). */
const processRss = z.object({ name: z.string().min(1), pid: z.number().int().positive(), rssMiB: z.number().nonnegative() });

const measuredTopology = z.enum(['single', 'cluster']);

/** One run of commit -> SENT on one topology, with its processes' RSS right after it. */
export const topologyRoundSchema = z.object({
  topology: measuredTopology,
  round: z.number().int().positive(),
  run: latencyRunSchema,
  rss: z.object({ processes: z.array(processRss), totalMiB: z.number().nonnegative() }),
});

/** A topology's rounds pooled (topology-compare.ts): per hop, the loss verdict of every round, the largest total RSS. */
export const topologySummarySchema = z.object({
  topology: measuredTopology,
  rounds: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  hops: z.array(hop),
  peakRssMiB: z.number().nonnegative().nullable(),
  lossOk: z.boolean(),
});

/** The single node measured beside a cluster the bench started for itself, rounds alternating (topologies-bench.ts). */
export const topologiesRunSchema = z.object({
  ratePerSecond: z.number().positive(),
  roundDurationMs: z.number().int().positive(),
  /** How long `stack up --cluster` took (null when it did not come up). */
  clusterStartSeconds: z.number().nonnegative().nullable(),
  rounds: z.array(topologyRoundSchema),
  summary: z.array(topologySummarySchema),
  /** Cluster over single, commit -> SENT (sent_at), of the pooled rounds; null where a side has no figure. */
  sentRatio: z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable(), max: z.number().nullable() }),
});

export const benchReportSchema = z.object({
  schemaVersion: z.literal(1),
  mode: z.enum(['quick', 'full']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  machine: z.object({ cpus: z.number().int().positive(), cpuModel: z.string(), memoryGiB: z.number().positive(), node: z.string(), platform: z.string() }),
  /** How each number was taken: which clock, which topic, what was excluded. */
  method: z.array(z.string()),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  latency: z.array(latencyRunSchema),
  http: z.object({ hashing: z.string().min(1), hashesPerSecond: z.number().nonnegative(), run: latencyRunSchema.nullable() }).nullable(),
  throughput: z.array(throughputRunSchema),
  writeOverhead: writeOverheadSchema.nullable(),
  kafkaBaseline: kafkaBaselineSchema.nullable(),
  hashingCost: z.array(hashingRunSchema),
  flood: floodSchema.nullable(),
  /** Settings of the temporary second connector measured beside the live one, if any. */
  connectorVariant: z.object({ overrides: z.record(z.string(), z.string()) }).nullable(),
  /** The cost of metrics and tracing in the kafka-consumer (observability-cost.ts); empty when not run. */
  observability: z.array(observabilityRunSchema).default([]),
  /** The notifier's drain rate per NOTIFIER_BATCH_MAX (notifier-drain.ts); empty when not run. */
  notifierDrain: z.array(notifierDrainRunSchema).default([]),
  /** The router's drain rate per producer setting (router-drain.ts); empty when not run. */
  routerDrain: z.array(routerDrainRunSchema).default([]),
  /** Debezium held then released (pipeline-drain.ts); empty when not run. */
  pipelineDrain: z.array(pipelineDrainRunSchema).default([]),
  /** The read side: projection lag and rebuild rate (projection-bench.ts); null when not run. */
  projection: projectionRunSchema.nullable().default(null),
  /** Single node against a cluster started beside it (topologies-bench.ts); null when not run. */
  topologies: topologiesRunSchema.nullable().default(null),
  targets: z.array(targetResultSchema),
  /** Steps that failed or were skipped, with why; an empty list means everything ran. */
  problems: z.array(z.string()),
  zeroLoss: z.boolean(),
});

export type BenchReport = z.infer<typeof benchReportSchema>;
export type LatencyRun = z.infer<typeof latencyRunSchema>;
export type ThroughputRun = z.infer<typeof throughputRunSchema>;
export type WriteOverhead = z.infer<typeof writeOverheadSchema>;
export type OverheadLoad = z.infer<typeof transactionLoad>;
export type KafkaBaseline = z.infer<typeof kafkaBaselineSchema>;
export type TargetResult = z.infer<typeof targetResultSchema>;
export type HashingRun = z.infer<typeof hashingRunSchema>;
export type Flood = z.infer<typeof floodSchema>;
export type LossCheck = z.infer<typeof lossCheck>;
export type Hop = z.infer<typeof hop>;
export type ObservabilityRun = z.infer<typeof observabilityRunSchema>;
export type NotifierDrainRun = z.infer<typeof notifierDrainRunSchema>;
export type RouterDrainRun = z.infer<typeof routerDrainRunSchema>;
export type PipelineDrainRun = z.infer<typeof pipelineDrainRunSchema>;
export type ProjectionRun = z.infer<typeof projectionRunSchema>;
export type TopologyRound = z.infer<typeof topologyRoundSchema>;
export type TopologySummary = z.infer<typeof topologySummarySchema>;
export type TopologiesRun = z.infer<typeof topologiesRunSchema>;

import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { durationHint, parseDuration } from './duration.ts';
import { AppError } from './errors.ts';

const port = z.coerce.number().int().min(1).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();
// A hop count, so `true` (one proxy) and `false` read as people write them.
const proxyHops = z.preprocess((value) => (value === 'true' ? 1 : value === 'false' ? 0 : value), z.coerce.number().int().min(0).max(10));
// Kept as written (`7d`), so the configuration reference and `cli config` show what the operator set.
const duration = z.string().refine((text) => parseDuration(text) !== undefined, durationHint);
// Two ports, comma-separated: the extra nodes of the local cluster topology.
const portPair = z.string().regex(/^\d{1,5},\d{1,5}$/, 'two ports, comma-separated (e.g. 9094,9096)');
const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: letters, digits, ".", "_" or "-"');

/**
 * Every setting the project reads from the environment, with the default that works on a
 * development machine. Each key is documented in the README's configuration reference; a test
 * keeps the two in step.
 */
export const configSchema = z.object({
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/outbox'),
  DATABASE_POOL_MAX: positiveInt.default(10),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(5001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
  // Proxies in front of the api-server whose X-Forwarded-For entries are believed; 0 = use the socket's address.
  TRUST_PROXY: proxyHops.default(0),
  // Registrations per client: a token bucket of RATE_LIMIT_BURST refilled at RATE_LIMIT_PER_MINUTE; 0 in either turns it off.
  RATE_LIMIT_PER_MINUTE: nonNegativeInt.default(30),
  RATE_LIMIT_BURST: nonNegativeInt.default(20),
  // Unset: buckets live in this process. Set: in Redis, shared by every api-server using the same URL and prefix.
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL' }).optional(),
  RATE_LIMIT_REDIS_PREFIX: z.string().min(1).default('outbox:rate-limit:'),
  // How long a request waits for Redis before the limiter lets it through (fails open).
  REDIS_TIMEOUT_MS: positiveInt.default(250),
  PASSWORD_HASH: z.enum(['argon2id', 'scrypt']).default('argon2id'),
  // argon2id cost; the defaults are OWASP's minimum (m = 19 MiB, t = 2, p = 1).
  ARGON2_MEMORY_KIB: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(4 * 1024 * 1024)
    .default(19_456),
  ARGON2_TIME_COST: z.coerce.number().int().min(1).max(20).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
  // scrypt cost as log2(N). 17 (N = 131072, r = 8: 128 MiB per hash) is OWASP's minimum for scrypt.
  SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
  // Hashes computed at once (each holds a libuv thread: keep it below UV_THREADPOOL_SIZE, 4 by default).
  // One core fewer than the machine has: a hash busies a core for its whole run, and the event loop
  // needs one of its own to answer (and shed) the rest; with every core hashing, a flood's 503s waited seconds.
  HASH_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(Math.max(1, availableParallelism() - 1)),
  // Hashes waiting for a slot; one more registration is answered 503 OVERLOADED at once.
  HASH_QUEUE_MAX: nonNegativeInt.default(32),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  // The local stack's KRaft controller; clients never use it.
  KAFKA_CONTROLLER_PORT: port.default(9093),
  KAFKA_CLIENT_ID: z.string().min(1).default('outbox-demo'),
  // `make up CLUSTER=1`: node 1 listens where the single broker does (KAFKA_BROKERS, KAFKA_CONTROLLER_PORT); these are nodes 2 and 3.
  CLUSTER_KAFKA_PORTS: portPair.default('9094,9096'),
  CLUSTER_CONTROLLER_PORTS: portPair.default('9095,9097'),
  // The cluster's second Connect worker's REST port (the first is CONNECT_URL's) and its second kafka-consumer's metrics port.
  CLUSTER_CONNECT_PORT: port.default(8084),
  CLUSTER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9465),
  CONNECT_URL: z.url().default('http://127.0.0.1:8083'),
  // Slot names are unique per PostgreSQL server, not per database: a second stack on the same server needs its own.
  SLOT_NAME: z
    .string()
    .regex(/^[a-z0-9_]{1,63}$/, 'a replication slot name: lowercase letters, digits and "_", at most 63')
    .default('outbox_slot'),
  CDC_TOPIC: topicName.default('dbz.public.outbox_events'),
  USER_REGISTRATION_TOPIC: topicName.default('notif.user.registration'),
  DLQ_TOPIC: topicName.default('eventdriven-examples.dlq'),
  TOPIC_PARTITIONS: positiveInt.default(3),
  ROUTER_GROUP_ID: z.string().min(1).default('outbox-router'),
  NOTIFIER_GROUP_ID: z.string().min(1).default('notification-sender'),
  PROJECTOR_GROUP_ID: z.string().min(1).default('registrations-projector'),
  // The schema holding the registrations projection (migrations create read_model); a test or a second projection uses its own.
  PROJECTION_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,40}$/, 'a schema name: lowercase letters, digits and "_", at most 41')
    .default('read_model'),
  // Processes sharing this inbox name dedupe against each other; a test or a side-by-side replay uses its own.
  NOTIFIER_INBOX_HANDLER: z.string().min(1).max(100).default('user-registration-notification'),
  RETRY_MAX_ATTEMPTS: positiveInt.default(5),
  RETRY_BASE_DELAY_MS: positiveInt.default(100),
  RETRY_MAX_DELAY_MS: positiveInt.default(5_000),
  // How long "the database is unreachable" is retried before attempts count (a restart, a failover): no dead letter for an outage.
  RETRY_OUTAGE_MS: z.coerce.number().int().min(0).default(60_000),
  MAX_IN_FLIGHT: positiveInt.default(500),
  // Records the notifier handles in one transaction; 1 = one transaction per record.
  NOTIFIER_BATCH_MAX: positiveInt.max(10_000).default(200),
  STALL_TIMEOUT_MS: positiveInt.default(120_000),
  // make up sets the server's max_slot_wal_keep_size to this: how much WAL a slot may hold before PostgreSQL drops it (-1: no bound).
  SLOT_MAX_WAL_KEEP_SIZE: z
    .string()
    .regex(/^(-1|[1-9]\d*(kB|MB|GB|TB))$/, 'a PostgreSQL size such as 512MB, 10GB or 1TB, or -1 for no bound')
    .default('10GB'),
  // `cli status` calls the pipeline unhealthy when the replication slot holds more WAL than this.
  SLOT_LAG_ALERT_BYTES: positiveInt.default(1024 ** 3),
  // librdkafka's message.timeout.ms: one send attempt of the consumer's producer, its own retries included.
  KAFKA_SEND_TIMEOUT_MS: positiveInt.default(10_000),
  // The consumer's producer (routed records, dead letters): how long librdkafka gathers a batch, how big, compressed how.
  KAFKA_PRODUCER_LINGER_MS: nonNegativeInt.max(900_000).default(5),
  KAFKA_PRODUCER_BATCH_BYTES: positiveInt.max(2_147_483_647).default(1_000_000),
  KAFKA_PRODUCER_COMPRESSION: z.enum(['none', 'lz4', 'zstd', 'snappy', 'gzip']).default('none'),
  // A killed consumer's partitions wait this long before another member (or its restart) takes them.
  CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(10_000),
  // Bounds one attempt at handling a record (a send, a database transaction) before it counts as a retryable TIMEOUT.
  RECORD_ATTEMPT_TIMEOUT_MS: positiveInt.default(15_000),
  // A record's retries, dead-lettering included, must fit in it (checked at start).
  CONSUMER_MAX_POLL_INTERVAL_MS: positiveInt.default(300_000),
  // Outbox rows older than this are deleted once Debezium has captured them (never before); 0 = as soon as captured.
  OUTBOX_RETENTION: duration.default('7d'),
  // Inbox rows older than this are deleted; unset = the longest of TOPIC_RETENTION and OUTBOX_RETENTION, plus one day.
  INBOX_RETENTION: duration.optional(),
  // How long Kafka keeps the pipeline's topics (the broker's log.retention.hours=168): how late a redelivery can come.
  TOPIC_RETENTION: duration.default('7d'),
  // How often the kafka-consumer purges both tables; 0 turns the automatic purge off.
  PURGE_INTERVAL: duration.default('1m'),
  // Rows deleted per transaction: short transactions, short locks.
  PURGE_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1_000),
  // The kafka-consumer's GET /metrics, on HOST (OpenTelemetry's Prometheus port); 0 turns its metrics off.
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  // How often the kafka-consumer reads the slot, the connector, the dead-letter depth and the groups' lag for its metrics.
  METRICS_POLL_INTERVAL_MS: positiveInt.default(10_000),
  // Traces are exported over OTLP/HTTP when this is set (e.g. http://127.0.0.1:4318); the SDK reads the other OTEL_* variables itself.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.union([z.literal(''), z.url()]).default(''),
  // The local Prometheus of `make up OBSERVE=1` / `make observe`, on HOST.
  PROMETHEUS_PORT: port.default(9090),
  STACK_DIR: z.string().min(1).default('.stack'),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

const secretKeys = new Set<keyof Config>(['DATABASE_URL', 'REDIS_URL']);

/** Parses the environment once; a bad environment fails with every offending variable named. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(Object.keys(configSchema.shape).map((key) => [key, emptyToUndefined(env[key])]));
  const result = configSchema.safeParse(known);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`);
    throw new AppError('CONFIG_INVALID', `invalid environment:\n  ${problems.join('\n  ')}`, { details: problems });
  }
  const window = inboxWindowProblem(result.data);
  if (window !== undefined) throw new AppError('CONFIG_INVALID', `invalid environment:\n  ${window}`, { details: [window] });
  return Object.freeze(result.data);
}

/** KEY=value lines, with the password inside DATABASE_URL and any other secret masked. */
export function describeConfig(config: Config): string[] {
  return Object.keys(configSchema.shape).map((key) => {
    const value = config[key as keyof Config];
    if (value === undefined) return `${key}=`;
    return `${key}=${secretKeys.has(key as keyof Config) ? maskUrlPassword(String(value)) : String(value)}`;
  });
}

export function maskUrlPassword(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password === '') return raw;
    url.password = '****';
    return url.toString();
  } catch {
    return '****';
  }
}

/**
 * The inbox is the deduplication window: an event can come back while its topics keep it and while
 * its outbox row exists (a re-snapshot publishes every row still there). An inbox kept for less
 * would let that redelivery send the notification twice.
 */
function inboxWindowProblem(config: z.infer<typeof configSchema>): string | undefined {
  if (config.INBOX_RETENTION === undefined) return undefined;
  const needed = Math.max(parseDuration(config.TOPIC_RETENTION)!, parseDuration(config.OUTBOX_RETENTION)!);
  if (parseDuration(config.INBOX_RETENTION)! >= needed) return undefined;
  return `INBOX_RETENTION: ${config.INBOX_RETENTION} is shorter than an event can be redelivered (TOPIC_RETENTION ${config.TOPIC_RETENTION}, OUTBOX_RETENTION ${config.OUTBOX_RETENTION}): a redelivery after its inbox row is gone would send the notification twice; unset it for the derived window or raise it`;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

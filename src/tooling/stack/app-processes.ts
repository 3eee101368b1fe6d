import path from 'node:path';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Config } from '../../service/config.ts';
import { resolveStages } from '../../service/contract/stages.ts';
import { createKafka } from '../../service/kafka/client.ts';
import { withAdmin } from '../../service/kafka/topics.ts';
import { repoRoot } from '../../service/project-paths.ts';
import { answersHttp } from './health-checks.ts';
import type { StackContext, StackProcess } from './stack-process.ts';

const cli = path.join(repoRoot, 'src', 'cli.ts');

/**
 * The project's own processes, on the Node that runs this one (Node 24 from node_modules). `env`
 * adds to the inherited environment: what differs for one instance of a topology (its brokers, its port).
 */
export function cliLaunch(command: string, env?: (context: StackContext) => Record<string, string>) {
  return (context: StackContext) => ({ command: process.execPath, args: [cli, command], cwd: repoRoot, env: env?.(context) });
}

export const apiServerProcess: StackProcess = {
  name: 'api-server',
  describe: ({ config }) => `HTTP API http://${config.HOST}:${config.PORT} (Swagger UI /swagger, metrics /metrics; ${rateLimitSummary(config)})`,
  ports: ({ config }) => [config.PORT],
  launch: cliLaunch('api-server'),
  // The command line holds the subcommand name: enough to tell our process from a recycled pid.
  marker: () => 'api-server',
  healthy: ({ config }) => answersHttp(`http://${config.HOST}:${config.PORT}/readyz`),
  startTimeoutMs: 30_000,
  stopGraceMs: 15_000,
};

/** The api-server reads the same settings from the environment it inherits from `make up`. */
function rateLimitSummary(config: Config): string {
  if (config.RATE_LIMIT_PER_MINUTE === 0 || config.RATE_LIMIT_BURST === 0) return 'no rate limit';
  const where = config.REDIS_URL === undefined ? 'in memory' : 'shared in Redis';
  return `${config.RATE_LIMIT_BURST} registrations per client, then ${config.RATE_LIMIT_PER_MINUTE}/min, ${where}`;
}

export const kafkaConsumerProcess: StackProcess = {
  name: 'kafka-consumer',
  describe: ({ config }) =>
    `consumer groups ${resolveStages(config)
      .map((stage) => `${stage.name} (${stage.groupId})`)
      .join(', ')}${config.METRICS_PORT > 0 ? `; metrics http://${config.HOST}:${config.METRICS_PORT}/metrics` : ''}`,
  ports: ({ config }) => (config.METRICS_PORT > 0 ? [config.METRICS_PORT] : []),
  launch: cliLaunch('kafka-consumer'),
  marker: () => 'kafka-consumer',
  healthy: groupsStable,
  startTimeoutMs: 60_000,
  stopGraceMs: 15_000,
};

export interface StageGroup {
  groupId: string;
  state: string;
  members: number;
}

/** The consumer group of every stage the kafka-consumer runs, as Kafka describes it now. */
export async function describeStageGroups(config: Config): Promise<StageGroup[]> {
  return withAdmin(
    () => createKafka(config).admin(),
    config.KAFKA_BROKERS,
    async (admin) => {
      const { groups } = await admin.describeGroups(
        resolveStages(config).map((stage) => stage.groupId),
        { timeout: 2_000 },
      );
      return groups.map((group) => ({ groupId: group.groupId, state: String(group.state), members: group.members.length }));
    },
  );
}

/** Every stage's group stable with at least `members` members: partitions are assigned and being read. */
export async function stageGroupsStable(config: Config, members = 1): Promise<boolean> {
  try {
    const groups = await describeStageGroups(config);
    return (
      groups.length === resolveStages(config).length &&
      groups.every((group) => group.state === String(KafkaJS.ConsumerGroupStates.STABLE) && group.members >= members)
    );
  } catch {
    return false;
  }
}

/**
 * Ready once every group has its partitions: the consumer's own GET /readyz on its metrics port.
 * Only without one (METRICS_PORT=0) is Kafka asked for the groups, through an admin client made
 * for each probe: librdkafka has crashed the probing process (SIGSEGV) on such short-lived clients.
 */
export function consumerReady(context: StackContext, metricsPort: number, members = 1): Promise<boolean> {
  return metricsPort > 0 ? answersHttp(`http://${context.config.HOST}:${metricsPort}/readyz`) : stageGroupsStable(context.config, members);
}

function groupsStable(context: StackContext): Promise<boolean> {
  return consumerReady(context, context.config.METRICS_PORT);
}

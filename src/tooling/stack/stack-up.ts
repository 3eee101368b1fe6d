import { registerConnector } from '../../service/cdc/register-connector.ts';
import type { Config } from '../../service/config.ts';
import { createKafka } from '../../service/kafka/client.ts';
import { applicationTopics, ensureTopics, withAdmin } from '../../service/kafka/topics.ts';
import { waitFor } from '../../service/wait-for.ts';
import { ensureJars } from './jars.ts';
import { checkJava } from './java.ts';
import { displayPath, stackPaths } from './paths.ts';
import { ensurePostgresReady, prepareDatabase } from './postgres-setup.ts';
import { assertPortsFree } from './preflight.ts';
import { ensureProcessesRunning, processPid } from './process-lifecycle.ts';
import { progress } from './progress.ts';
import { prometheusUrl } from './prometheus-process.ts';
import { describeSlotSafety, ensureSlotWalLimit } from './slot-wal-limit.ts';
import { logFile, type StackContext, type StackProcess } from './stack-process.ts';
import { observabilityProcesses } from './stack-processes.ts';
import { claimTopology, clusterTopology, singleTopology, topologyProcesses } from './stack-topology.ts';

/**
 * Brings the local stack up, idempotently: PostgreSQL ready (logical WAL, migrated), jars present,
 * each process running and answering, topics created, connector RUNNING. Names of the processes
 * this call started are pushed to `started` as it goes, so a caller can stop exactly those even
 * when a later step fails. `observe` starts Prometheus too; `cluster` the topology of three Kafka
 * nodes, two Connect workers and two kafka-consumers instead of one of each.
 */
export async function stackUp(
  userConfig: Config,
  started: string[] = [],
  { observe = false, cluster = false }: { observe?: boolean; cluster?: boolean } = {},
): Promise<string[]> {
  const topology = cluster ? clusterTopology : singleTopology;
  const config = topology.clientConfig(userConfig);
  const context: StackContext = { config, paths: stackPaths(config) };
  progress(`Java ${await checkJava()} found`);
  await claimTopology(context.paths, topology);
  const processes = topologyProcesses(topology);
  const wanted = processes.filter((process) => observe || process.optional !== true);
  // Before the slow steps: a taken port should fail in a second, not after the jar download.
  for (const process of wanted) {
    if ((await processPid(process, context)) === undefined) await assertPortsFree(process, context);
  }
  await ensurePostgresReady(config);
  await ensureSlotWalLimit(config);
  await prepareDatabase(config);
  progress('PostgreSQL ready: wal_level=logical, schema migrated');
  if ((await ensureJars(context.paths)) === 'present') progress(`jars present in ${displayPath(context.paths.jars)}`);

  for (const group of topology.infrastructure) started.push(...(await ensureProcessesRunning(group, context)));

  const createTopics = () =>
    withAdmin(
      () => createKafka(config).admin(),
      config.KAFKA_BROKERS,
      (admin) => ensureTopics(admin, applicationTopics(config)),
    );
  // A fresh cluster's nodes register with the controller one by one: replication factor 3 is
  // refused ("larger than available brokers") until the third has.
  const reports =
    topology.name === 'single'
      ? await createTopics()
      : await waitFor(createTopics, { what: 'topics created with replication factor 3', timeoutMs: 120_000, intervalMs: 1_000 });
  for (const report of reports) progress(`topic ${report.topic}: ${report.partitions} partitions${report.created ? ' (created)' : ''}`);

  const connector = await registerConnector(config, { report: progress });
  progress(`${connector.status} (${connector.outcome}, waited ${(connector.waitedMs / 1000).toFixed(1)} s)`);
  // The cluster's consumers join their groups side by side; the single stack's processes start one by one, as ever.
  const applicationGroups = topology.name === 'cluster' ? [topology.application] : topology.application.map((process) => [process]);
  for (const group of [...applicationGroups, ...(observe ? [observabilityProcesses] : [])]) started.push(...(await ensureProcessesRunning(group, context)));
  await printSummary(context, processes, connector.name);
  return started;
}

async function printSummary(context: StackContext, processes: readonly StackProcess[], connectorName: string): Promise<void> {
  const { config } = context;
  const api = `http://${config.HOST}:${config.PORT}`;
  const lines = ['', 'stack is up:'];
  for (const process of processes) {
    const pid = await processPid(process, context);
    if (pid === undefined && process.optional === true) continue;
    lines.push(`  ${process.name.padEnd(14)} pid ${String(pid).padEnd(8)} ${process.describe(context)}`);
    lines.push(`  ${''.padEnd(14)} log ${displayPath(logFile(process, context.paths))}`);
  }
  lines.push(`  connector      ${connectorName} -> topic ${config.CDC_TOPIC}`);
  lines.push(`  slot           ${await describeSlotSafety(config)}`);
  lines.push(`  state          ${displayPath(context.paths.root)} (data, logs, pid files)`);
  lines.push('', `API ${api}   Swagger UI ${api}/swagger   Connect REST ${config.CONNECT_URL}/connectors/${connectorName}/status`);
  const metrics = config.METRICS_PORT > 0 ? `   kafka-consumer http://${config.HOST}:${config.METRICS_PORT}/metrics` : '';
  lines.push(`metrics: api-server ${api}/metrics${metrics}`);
  if ((await processPid(observabilityProcesses[0]!, context)) !== undefined)
    lines.push(`Prometheus ${prometheusUrl(config)} (graphs /graph, alerts /alerts, targets /targets)`);
  lines.push('', 'try:');
  lines.push(
    `  curl -s -X POST ${api}/api/v1/users -H 'content-type: application/json' -d '{"email": "ada@example.com", "password": "correct horse battery staple"}'`,
  );
  lines.push(`  curl -s ${api}/api/v1/users/<id>`);
  lines.push('  npm run cli -- trace <id>');
  lines.push(`  npm run cli -- events tail ${config.USER_REGISTRATION_TOPIC}`);
  lines.push('  npm run cli -- status');
  lines.push('', 'stop: make down (keeps data) | make clean (removes data) | logs: make logs | status: make status', '');
  process.stdout.write(lines.join('\n'));
}

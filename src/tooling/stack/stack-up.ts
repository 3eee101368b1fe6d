import { registerConnector } from '../../service/cdc/register-connector.ts';
import type { Config } from '../../service/config.ts';
import { createKafka } from '../../service/kafka/client.ts';
import { applicationTopics, ensureTopics, withAdmin } from '../../service/kafka/topics.ts';
import { ensureJars } from './jars.ts';
import { checkJava } from './java.ts';
import { displayPath, stackPaths } from './paths.ts';
import { ensurePostgresReady, prepareDatabase } from './postgres-setup.ts';
import { assertPortsFree } from './preflight.ts';
import { ensureProcessRunning, processPid } from './process-lifecycle.ts';
import { progress } from './progress.ts';
import { prometheusUrl } from './prometheus-process.ts';
import { describeSlotSafety, ensureSlotWalLimit } from './slot-wal-limit.ts';
import { logFile, type StackContext } from './stack-process.ts';
import { applicationProcesses, infrastructureProcesses, observabilityProcesses, stackProcesses } from './stack-processes.ts';

/**
 * Brings the local stack up, idempotently: PostgreSQL ready (logical WAL, migrated), jars present,
 * each process running and answering, topics created, connector RUNNING. Names of the processes
 * this call started are pushed to `started` as it goes, so a caller can stop exactly those even
 * when a later step fails. `observe` starts Prometheus too.
 */
export async function stackUp(config: Config, started: string[] = [], { observe = false }: { observe?: boolean } = {}): Promise<string[]> {
  const context: StackContext = { config, paths: stackPaths(config) };
  progress(`Java ${await checkJava()} found`);
  const wanted = stackProcesses.filter((process) => observe || process.optional !== true);
  // Before the slow steps: a taken port should fail in a second, not after the jar download.
  for (const process of wanted) {
    if ((await processPid(process, context)) === undefined) await assertPortsFree(process, context);
  }
  await ensurePostgresReady(config);
  await ensureSlotWalLimit(config);
  await prepareDatabase(config);
  progress('PostgreSQL ready: wal_level=logical, schema migrated');
  if ((await ensureJars(context.paths)) === 'present') progress(`jars present in ${displayPath(context.paths.jars)}`);

  for (const process of infrastructureProcesses) {
    if (await ensureProcessRunning(process, context)) started.push(process.name);
  }

  const reports = await withAdmin(
    () => createKafka(config).admin(),
    config.KAFKA_BROKERS,
    (admin) => ensureTopics(admin, applicationTopics(config)),
  );
  for (const report of reports) progress(`topic ${report.topic}: ${report.partitions} partitions${report.created ? ' (created)' : ''}`);

  const connector = await registerConnector(config, { report: progress });
  progress(`${connector.status} (${connector.outcome}, waited ${(connector.waitedMs / 1000).toFixed(1)} s)`);
  for (const process of [...applicationProcesses, ...(observe ? observabilityProcesses : [])]) {
    if (await ensureProcessRunning(process, context)) started.push(process.name);
  }
  await printSummary(context, connector.name);
  return started;
}

async function printSummary(context: StackContext, connectorName: string): Promise<void> {
  const { config } = context;
  const api = `http://${config.HOST}:${config.PORT}`;
  const lines = ['', 'stack is up:'];
  for (const process of stackProcesses) {
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

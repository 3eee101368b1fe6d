import path from 'node:path';
import { AppError } from '../../service/errors.ts';
import { stackPaths } from '../stack/paths.ts';
import { clusterTopology, recordedTopology, singleTopology } from '../stack/stack-topology.ts';
import { startBenchCluster } from './bench-cluster.ts';
import type { BenchContext } from './bench-context.ts';
import { runCdcLatency } from './cdc-latency.ts';
import { waitForCaughtUp, waitForMembers } from './ensure-consumer.ts';
import { openBenchContext } from './open-bench-context.ts';
import { topologyRss } from './process-rss.ts';
import type { TopologiesRun, TopologyRound } from './report-schema.ts';
import { compareTopologies, type MeasuredTopology, topologyOrder } from './topology-compare.ts';

export interface TopologiesScenario {
  rounds: number;
  ratePerSecond: number;
  durationMs: number;
  /** A run on each topology before the rounds, not reported: the cluster's JVMs start cold. 0: none. */
  warmupMs: number;
  drainTimeoutMs: number;
  /** The results folder: the cluster's start and clean output goes to bench-cluster.log there. */
  directory: string;
  pollingTopic: string;
  /** The kafka-consumer the bench started for the single node, if it did: its RSS counts for that topology. */
  singleConsumerPid?: number;
  /** A round that failed, with why; the other rounds still run. */
  problems: string[];
}

/**
 * commit -> SENT on the measured single node and on a cluster (`make up CLUSTER=1`) this scenario
 * starts beside it for itself, in alternating rounds of the same length and rate, so that the
 * machine's noise hits both; the cluster is cleaned afterwards whatever happened.
 */
export async function runTopologies(single: BenchContext, scenario: TopologiesScenario): Promise<TopologiesRun> {
  const { progress } = single;
  // Comparing a cluster with a cluster says nothing; starting a single node beside one would need a
  // second set of single-node ports. Refused, with what to run instead.
  if ((await recordedTopology(stackPaths(single.config))).name === 'cluster')
    throw new AppError(
      'CONFIG_INVALID',
      'the running stack is the cluster (make up CLUSTER=1); the topologies scenario measures the single node and starts a cluster beside it: run make down, then make up, then the bench again',
    );
  const startedAt = Date.now();
  const cluster = await startBenchCluster(single.config, { progress, logPath: path.join(scenario.directory, 'bench-cluster.log') });
  const clusterStartSeconds = Math.round((Date.now() - startedAt) / 100) / 10;
  const rounds: TopologyRound[] = [];
  try {
    const opened = await openBenchContext(cluster.config, { tag: single.tag, progress, pollingTopic: scenario.pollingTopic, clientId: 'outbox-bench-cluster' });
    try {
      const contexts: Record<MeasuredTopology, BenchContext> = { single, cluster: opened.context };
      await waitForMembers(opened.context.admin, cluster.config, { members: clusterTopology.consumers.length, progress });
      await waitForCaughtUp(opened.context.admin, cluster.config, { progress });
      if (scenario.warmupMs > 0) {
        for (const topology of ['single', 'cluster'] as const) {
          progress(`topologies warm-up (not reported): ${topology}, ${scenario.warmupMs / 1000} s`);
          const warmup = await runCdcLatency(
            { ...contexts[topology], tag: `${single.tag}${topology[0]}w` },
            { ratePerSecond: scenario.ratePerSecond, durationMs: scenario.warmupMs, drainTimeoutMs: scenario.drainTimeoutMs },
          );
          if (!warmup.loss.ok) scenario.problems.push(`topologies warm-up on the ${topology}: events lost ${JSON.stringify(warmup.loss)}`);
        }
      }
      for (const { round, topology } of topologyOrder(scenario.rounds)) {
        progress(
          `topologies round ${round}/${scenario.rounds}: ${topology} (${topology === 'single' ? single.config.KAFKA_BROKERS : cluster.config.KAFKA_BROKERS})`,
        );
        try {
          // A tag per round: the emails of the synthetic registrations are unique per tag and index.
          const context = { ...contexts[topology], tag: `${single.tag}${topology[0]}${round}` };
          const run = await runCdcLatency(context, {
            ratePerSecond: scenario.ratePerSecond,
            durationMs: scenario.durationMs,
            drainTimeoutMs: scenario.drainTimeoutMs,
          });
          const rss =
            topology === 'single'
              ? await topologyRss(
                  singleTopology,
                  single.config,
                  scenario.singleConsumerPid === undefined ? [] : [{ name: 'kafka-consumer (bench)', pid: scenario.singleConsumerPid }],
                )
              : await topologyRss(clusterTopology, cluster.config);
          rounds.push({ topology, round, run, rss });
        } catch (error) {
          scenario.problems.push(`topologies round ${round} ${topology}: ${(error as Error).message}`);
          progress(`topologies round ${round} ${topology} FAILED: ${(error as Error).message}`);
        }
      }
    } finally {
      await opened.close();
    }
  } finally {
    progress('bench cluster: cleaning (processes stopped, Kafka data and slot removed)');
    await cluster
      .clean()
      .catch((error: unknown) => scenario.problems.push(`cleaning the bench cluster (${cluster.env.STACK_DIR}): ${(error as Error).message}`));
  }
  return compareTopologies(rounds, { ratePerSecond: scenario.ratePerSecond, roundDurationMs: scenario.durationMs, clusterStartSeconds });
}

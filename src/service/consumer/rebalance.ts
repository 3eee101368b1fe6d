import { setTimeout as delay } from 'node:timers/promises';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from '../logger.ts';
import type { Committer } from './committer.ts';
import type { InFlightWindow } from './in-flight-window.ts';
import type { OffsetTracker } from './offset-tracker.ts';

export type RebalanceListener = (error: { code: number }, assignment: KafkaJS.TopicPartition[]) => Promise<void>;

export interface Assignment {
  listener: RebalanceListener;
  /** Resolves on the first partition assignment. */
  ready: Promise<void>;
  current(): KafkaJS.TopicPartition[];
}

const revokeDrainMs = 5_000;

/**
 * Follows the group's partition assignment. On a revoke, what is in flight is given a moment to
 * finish and is committed, so the next owner repeats as little as possible; the tracker forgets
 * the partitions either way, so a late acknowledgement can never commit for the next owner.
 */
export function followAssignment({
  tracker,
  window,
  commits,
  logger,
  isStopping,
}: {
  tracker: OffsetTracker;
  window: InFlightWindow;
  commits: Committer;
  logger: Logger;
  isStopping: () => boolean;
}): Assignment {
  let assigned: KafkaJS.TopicPartition[] = [];
  const { promise: ready, resolve: markReady } = Promise.withResolvers<void>();
  const same = (a: KafkaJS.TopicPartition, b: KafkaJS.TopicPartition) => a.topic === b.topic && a.partition === b.partition;

  const listener: RebalanceListener = async (event, assignment) => {
    if (event.code === KafkaJS.ErrorCodes.ERR__REVOKE_PARTITIONS) {
      // Not when stopping: stop() already drained, and a revoke that waits here during disconnect
      // holds librdkafka's close, which can then hang even process.exit.
      if (!isStopping()) await Promise.race([window.idle(), delay(revokeDrainMs, undefined, { ref: false })]);
      await commits.flush();
      for (const { topic, partition } of assignment) tracker.forget(topic, partition);
      assigned = assigned.filter((mine) => !assignment.some((revoked) => same(mine, revoked)));
      logger.info({ revoked: assignment.map((tp) => tp.partition) }, 'partitions revoked');
    } else if (event.code === KafkaJS.ErrorCodes.ERR__ASSIGN_PARTITIONS) {
      for (const { topic, partition } of assignment) tracker.forget(topic, partition);
      const added = assignment.filter((tp) => !assigned.some((mine) => same(mine, tp)));
      assigned = [...assigned, ...added.map(({ topic, partition }) => ({ topic, partition }))];
      logger.info({ assigned: assignment.map((tp) => tp.partition) }, 'partitions assigned');
      markReady();
    }
  };
  return { listener, ready, current: () => [...assigned] };
}

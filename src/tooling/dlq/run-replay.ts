import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../service/db/database.ts';
import { type AppError, toAppError } from '../../service/errors.ts';
import type { Producer } from '../../service/kafka/client.ts';
import { sendMessages } from '../../service/kafka/send-messages.ts';
import { deadLetterRef } from './dead-letter-entry.ts';
import { recordReplay } from './replay-log.ts';
import { buildReplayMessage, type ReplayDecision } from './replay-plan.ts';

export interface ReplayRun {
  producer: Producer;
  db: Db;
  /** Records per second at most; undefined: as fast as the broker acknowledges. */
  rate: number | undefined;
  onReplayed: (done: number, total: number) => void;
  stop: AbortSignal;
}

export interface ReplayOutcome {
  replayed: number;
  /** The first failure; nothing after it was replayed, so no key is replayed out of order. */
  failed: { ref: string; error: AppError } | undefined;
  stopped: boolean;
}

/**
 * Replays the planned records one at a time, in plan order: each is acknowledged by the broker
 * before the next is sent (so a key's records land in its original order) and recorded in the
 * replay log only once acknowledged. One send at a time is slow but dead letters are few; --rate
 * slows it further for a consumer that must not be flooded.
 */
export async function runReplay(decisions: readonly ReplayDecision[], run: ReplayRun): Promise<ReplayOutcome> {
  const todo = decisions.flatMap((decision) => (decision.action === 'replay' ? [decision] : []));
  const gapMs = run.rate === undefined ? 0 : 1_000 / run.rate;
  let replayed = 0;
  for (const decision of todo) {
    if (run.stop.aborted) return { replayed, failed: undefined, stopped: true };
    const started = performance.now();
    const replayedAt = new Date();
    const ref = deadLetterRef(decision.entry.at);
    try {
      const message = buildReplayMessage(decision.entry, decision.count, replayedAt);
      await sendMessages(run.producer, decision.topic, [message], { propagate: false });
      await recordReplay(run.db, {
        deadLetter: ref,
        eventId: decision.entry.eventId,
        stage: decision.entry.stage,
        errorCode: decision.entry.code,
        replayTopic: decision.topic,
        replayCount: decision.count,
        replayedAt,
      });
    } catch (error) {
      return { replayed, failed: { ref, error: toAppError(error) }, stopped: false };
    }
    replayed++;
    run.onReplayed(replayed, todo.length);
    const wait = gapMs - (performance.now() - started);
    if (wait > 0) await sleep(wait, undefined, { signal: run.stop }).catch(() => {});
  }
  return { replayed, failed: undefined, stopped: false };
}

import type { ReplayDecision } from './replay-plan.ts';
import type { ReplayOutcome } from './run-replay.ts';

/** The plan, one line per selected dead letter, in the order it would be (or is being) replayed. */
export function formatReplayPlan(plan: readonly ReplayDecision[], { dryRun }: { dryRun: boolean }): string {
  if (plan.length === 0) return 'no dead letters match: nothing to replay';
  const lines = plan.map((decision) => {
    const { entry } = decision;
    const what = `${entry.at.partition}:${entry.at.offset} ${entry.stage} ${entry.code} event ${entry.eventId ?? '(none)'} aggregate ${entry.aggregateId ?? '(none)'}`;
    if (decision.action === 'skip') return `skip    ${what}: ${decision.reason}`;
    return `${dryRun ? 'would replay' : 'replay'}  ${what} -> ${decision.topic} (replay ${decision.count})`;
  });
  const replays = plan.filter((decision) => decision.action === 'replay').length;
  return [...lines, dryRun ? `dry run: ${replays} of ${plan.length} selected would be replayed; nothing was changed` : '']
    .filter((line) => line !== '')
    .join('\n');
}

export function formatReplaySummary(plan: readonly ReplayDecision[], outcome: ReplayOutcome): string {
  const skipped = plan.filter((decision) => decision.action === 'skip');
  const parts = [`replayed ${outcome.replayed} of ${plan.length} selected`];
  const already = skipped.filter((decision) => decision.fine).length;
  if (already > 0) parts.push(`${already} already replayed`);
  const refused = skipped.length - already;
  if (refused > 0) parts.push(`${refused} refused (see above)`);
  if (outcome.failed !== undefined)
    parts.push(`stopped at ${outcome.failed.ref}: [${outcome.failed.error.code}] ${outcome.failed.error.message}; run it again once fixed`);
  if (outcome.stopped) parts.push('interrupted; run it again to replay the rest');
  return parts.join('; ');
}

/** 0 when every selected dead letter is replayed (now or before), 1 when one was refused or failed. */
export function replayExitCode(plan: readonly ReplayDecision[], outcome: ReplayOutcome | undefined): number {
  if (plan.some((decision) => decision.action === 'skip' && !decision.fine)) return 1;
  if (outcome !== undefined && (outcome.failed !== undefined || outcome.stopped)) return 1;
  return 0;
}

import type { Db } from '../../service/db/database.ts';
import { classifyDatabaseError, sqlStateOf } from '../../service/db/database-errors.ts';
import type { DeadLetterReplay } from '../../service/db/tables.ts';
import { AppError } from '../../service/errors.ts';

/** Every recorded replay of these dead letters (by `topic:partition:offset`), oldest first. */
export async function replaysOf(db: Db, deadLetters: readonly string[]): Promise<Map<string, DeadLetterReplay[]>> {
  const byDeadLetter = new Map<string, DeadLetterReplay[]>();
  if (deadLetters.length === 0) return byDeadLetter;
  const rows = await db
    .selectFrom('dead_letter_replays')
    .selectAll()
    .where('dead_letter', 'in', [...deadLetters])
    .orderBy('id')
    .execute()
    .catch(explain);
  for (const row of rows) byDeadLetter.set(row.dead_letter, [...(byDeadLetter.get(row.dead_letter) ?? []), row]);
  return byDeadLetter;
}

export interface ReplayRow {
  deadLetter: string;
  eventId: string | undefined;
  stage: string;
  errorCode: string;
  replayTopic: string;
  replayCount: number;
  replayedAt: Date;
}

export async function recordReplay(db: Db, row: ReplayRow): Promise<void> {
  await db
    .insertInto('dead_letter_replays')
    .values({
      dead_letter: row.deadLetter,
      event_id: row.eventId ?? null,
      stage: row.stage,
      error_code: row.errorCode,
      replay_topic: row.replayTopic,
      replay_count: row.replayCount,
      replayed_at: row.replayedAt,
    })
    .execute()
    .catch(explain);
}

function explain(error: unknown): never {
  const classified = classifyDatabaseError(error);
  // 42P01 undefined_table: a database migrated before the replay log existed.
  if (sqlStateOf(classified) === '42P01')
    throw new AppError('DATABASE_ERROR', 'the dead_letter_replays table is missing: run `npm run cli -- migrate up`', { cause: error });
  throw classified;
}

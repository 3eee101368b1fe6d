import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../service/db/database.ts';
import { toAppError } from '../../service/errors.ts';
import { registerUser } from '../../service/users/register-user.ts';
import { waitFor } from '../../service/wait-for.ts';

export interface Committed {
  eventId: string;
  notificationId: string;
  /** When the attempt began, and when its commit returned (ms since the epoch). */
  at: number;
  committedAt: number;
}

/** An attempt whose transaction did not commit (PostgreSQL down): expected during a fault, never counted as committed. */
export interface Refused {
  at: number;
  code: string;
}

export interface DrillWriter {
  /** Registrations whose transaction committed, in commit order. */
  readonly committed: Committed[];
  readonly refused: Refused[];
  waitCommitted(n: number): Promise<true>;
  stop(): Promise<void>;
}

/** Registrations attempted continuously at `rate` per second, through the registration use case itself. */
export function startWriter(db: Db, rate: number): DrillWriter {
  const committed: Committed[] = [];
  const refused: Refused[] = [];
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const at = Date.now();
      // The hash is not what the drill tests, so it costs nothing.
      await registerUser(
        { db, hashPassword: async () => 'drill-no-password' },
        { email: `drill-${at.toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`, password: 'unused' },
      ).then(
        (user) => committed.push({ eventId: user.eventId, notificationId: user.notificationId, at, committedAt: Date.now() }),
        (error: unknown) => refused.push({ at, code: toAppError(error).code }),
      );
      await sleep(Math.max(0, 1_000 / rate - (Date.now() - at)));
    }
  })();
  return {
    committed,
    refused,
    waitCommitted: (n: number) => waitFor(async () => committed.length >= n, { what: `${n} registrations committed`, timeoutMs: 30_000 }),
    stop: async () => {
      stopping = true;
      await loop;
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../service/db/database.ts';
import { registerUser } from '../../service/users/register-user.ts';
import { waitFor } from '../../service/wait-for.ts';

export interface Committed {
  eventId: string;
  notificationId: string;
  at: number;
}

export interface DrillWriter {
  /** Registrations whose transaction committed, in commit order. */
  readonly committed: Committed[];
  waitCommitted(n: number): Promise<true>;
  stop(): Promise<void>;
}

/** Registrations committed continuously at `rate` per second, through the registration use case itself. */
export function startWriter(db: Db, rate: number): DrillWriter {
  const committed: Committed[] = [];
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const at = Date.now();
      // The hash is not what the drill tests, so it costs nothing.
      const user = await registerUser(
        { db, hashPassword: async () => 'drill-no-password' },
        { email: `drill-${at.toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`, password: 'unused' },
      ).catch(() => undefined);
      if (user !== undefined) committed.push({ eventId: user.eventId, notificationId: user.notificationId, at });
      await sleep(Math.max(0, 1_000 / rate - (Date.now() - at)));
    }
  })();
  return {
    committed,
    waitCommitted: (n: number) => waitFor(async () => committed.length >= n, { what: `${n} registrations committed`, timeoutMs: 30_000 }),
    stop: async () => {
      stopping = true;
      await loop;
    },
  };
}

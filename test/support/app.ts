import type { Db } from '../../src/service/db/database.ts';
import { type AppOptions, createApp } from '../../src/service/http/app.ts';
import { createLogger } from '../../src/service/logger.ts';
import { type HashParams, hashPassword } from '../../src/service/users/password-hash.ts';

/** argon2id at a cost far below OWASP's minimum, so the suite runs fast; the algorithm and the code path are the real ones. */
export const testHashParams: HashParams = { algorithm: 'argon2id', memoryKiB: 1_024, timeCost: 1, parallelism: 1 };

export const testHashPassword = (password: string) => hashPassword(password, testHashParams);

/** The real app over a real database; only the KDF cost is lowered so the suite runs fast. */
export function createTestApp(db: Db, { bodyLimitBytes = 64 * 1024, ...options }: Partial<Omit<AppOptions, 'db'>> = {}) {
  return createApp({ db, logger: createLogger('silent'), bodyLimitBytes, hashPassword: testHashPassword, ...options });
}

export async function postJson(app: ReturnType<typeof createTestApp>, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

import type { Db } from '../../src/service/db/database.ts';
import { createApp } from '../../src/service/http/app.ts';
import { createLogger } from '../../src/service/logger.ts';
import type { MetricsRegistry } from '../../src/service/metrics/registry.ts';
import { hashPassword } from '../../src/service/users/password-hash.ts';

/** The real app over a real database; only the KDF cost is lowered so the suite runs fast. */
export function createTestApp(db: Db, { bodyLimitBytes = 64 * 1024, metrics }: { bodyLimitBytes?: number; metrics?: MetricsRegistry } = {}) {
  return createApp({ db, logger: createLogger('silent'), bodyLimitBytes, metrics, hashPassword: (password) => hashPassword(password, 10) });
}

export async function postJson(app: ReturnType<typeof createTestApp>, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

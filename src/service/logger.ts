import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout. The redact list is a second line of defence: no code path logs a
 * password, but a request body or a config object logged by mistake must not leak one either.
 */
export function createLogger(level: string, name = 'outbox', { sync = false }: { sync?: boolean } = {}): Logger {
  // sync: each line is written before the call returns, for lines that must survive a crash.
  const options = {
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['password', '*.password', 'passwordHash', '*.passwordHash', 'password_hash', '*.password_hash'], censor: '[redacted]' },
  };
  return sync ? pino(options, pino.destination({ dest: 1, sync: true })) : pino(options);
}

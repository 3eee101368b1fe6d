import { type Config, loadConfig } from '../service/config.ts';
import { isAppError } from '../service/errors.ts';

/**
 * Wraps a command's action: loads the config once and turns any failure into one readable line
 * on stderr and a non-zero exit, instead of a stack trace. LOG_LEVEL=debug prints the cause too.
 */
export function runAction<Args extends unknown[]>(action: (config: Config, ...args: Args) => Promise<unknown>): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      const config = loadConfig();
      const code = await action(config, ...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (error) {
      reportFailure(error);
      process.exitCode = 1;
    }
  };
}

export function reportFailure(error: unknown): void {
  if (isAppError(error)) {
    process.stderr.write(`error [${error.code}]: ${error.message}\n`);
    if (process.env.LOG_LEVEL === 'debug' && error.cause !== undefined)
      process.stderr.write(`cause: ${String((error.cause as Error)?.stack ?? error.cause)}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}

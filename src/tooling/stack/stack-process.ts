import path from 'node:path';
import type { Config } from '../../service/config.ts';
import type { StackPaths } from './paths.ts';
import type { Launch } from './process-control.ts';
export interface StackContext {
  config: Config;
  paths: StackPaths;
}

/**
 * One long-running process of the local stack. Adding a process means adding one entry to
 * `infrastructureProcesses` or `applicationProcesses`: `up` starts them in list order, `down` stops
 * them in reverse, `status` and `logs` pick them up without further changes.
 */
export interface StackProcess {
  name: string;
  /** What it is and where it listens, for `up` and `status` output. */
  describe: (context: StackContext) => string;
  /** The ports it binds, checked free before it starts. */
  ports: (context: StackContext) => readonly number[];
  /** Writes config files, formats storage: whatever must exist before the first launch. */
  prepare?: (context: StackContext) => Promise<void>;
  launch: (context: StackContext) => Launch;
  /** Text unique to this process's command line; guards against signalling a recycled pid. */
  marker: (context: StackContext) => string;
  healthy: (context: StackContext) => Promise<boolean>;
  startTimeoutMs: number;
  stopGraceMs: number;
  /** Started only when asked for (`make up OBSERVE=1`); not running is not unhealthy. */
  optional?: boolean;
}

export function pidFile(process: StackProcess, paths: StackPaths): string {
  return path.join(paths.pids, `${process.name}.pid`);
}

export function logFile(process: StackProcess, paths: StackPaths): string {
  return path.join(paths.logs, `${process.name}.log`);
}

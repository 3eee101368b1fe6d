import path from 'node:path';
import type { Config } from '../../service/config.ts';
import { repoRoot } from '../../service/project-paths.ts';

export interface StackPaths {
  root: string;
  jars: string;
  logs: string;
  pids: string;
  data: string;
  conf: string;
}

/**
 * Everything the local stack writes lives under STACK_DIR (git-ignored): `clean` removes data,
 * `down` leaves it. A relative STACK_DIR is taken from the repository root, not the current
 * directory, so every command finds the same stack wherever it is run from. The jars are a cache,
 * not state: every stack of the checkout (the developer's, the test suite's) shares one copy.
 */
export function stackPaths(config: Pick<Config, 'STACK_DIR'>): StackPaths {
  const root = path.resolve(repoRoot, config.STACK_DIR);
  return {
    root,
    jars: path.join(repoRoot, '.cache', 'jars'),
    logs: path.join(root, 'logs'),
    pids: path.join(root, 'run'),
    data: path.join(root, 'data'),
    conf: path.join(root, 'conf'),
  };
}

/** A path as the user should read it: relative to the repository when inside it. */
export function displayPath(target: string): string {
  const relative = path.relative(process.cwd(), target);
  return relative.startsWith('..') ? target : relative;
}

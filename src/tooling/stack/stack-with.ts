import { spawn } from 'node:child_process';
import type { Config } from '../../service/config.ts';
import { progress } from './progress.ts';
import { stackDown } from './stack-down.ts';
import { stackUp } from './stack-up.ts';

/**
 * Starts whatever part of the stack is not running, runs the command, then stops only what it
 * started: a stack someone else brought up (a developer's `make up`) is left as it was. Exits
 * with the command's exit code.
 */
export async function stackWith(config: Config, command: string[]): Promise<number> {
  const started: string[] = [];
  try {
    await stackUp(config, started);
    return await runInherited(command);
  } finally {
    if (started.length > 0) {
      progress(`stopping what this run started: ${started.join(', ')}`);
      await stackDown(config, started);
    } else {
      progress('leaving the stack running: this run started none of it');
    }
  }
}

function runInherited([program, ...args]: string[]): Promise<number> {
  if (program === undefined) return Promise.resolve(0);
  progress(`running: ${[program, ...args].join(' ')}`);
  const child = spawn(program, args, { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal, and a SIGTERM is passed on; either way this
  // process must outlive the child to stop what it started.
  const ignore = () => {};
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  }).finally(() => {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
  });
}

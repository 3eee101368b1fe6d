import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import type { Config } from '../../service/config.ts';
import { AppError } from '../../service/errors.ts';
import { stackPaths } from './paths.ts';
import { unknownProcess } from './process-lifecycle.ts';
import { logFile } from './stack-process.ts';
import { everyStackProcess, findStackProcess } from './stack-processes.ts';

/** Tails the logs of the named processes (all by default); with follow, until interrupted. */
export async function stackLogs(config: Config, { names, lines, follow }: { names: string[]; lines: number; follow: boolean }): Promise<number> {
  const paths = stackPaths(config);
  const chosen =
    names.length === 0 ? [...everyStackProcess] : names.map((name) => findStackProcess(name) ?? Promise.reject(unknownProcess(name, everyStackProcess)));
  const files: string[] = [];
  for (const process of await Promise.all(chosen)) {
    const file = logFile(process, paths);
    if (
      await access(file).then(
        () => true,
        () => false,
      )
    )
      files.push(file);
  }
  if (files.length === 0) throw new AppError('NOT_FOUND', `no logs yet under ${paths.logs}: start the stack with \`make up\``);
  const child = spawn('tail', ['-n', String(lines), ...(follow ? ['-F'] : []), ...files], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 0));
  });
}

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { repoRoot } from '../../service/project-paths.ts';
import { waitFor } from '../../service/wait-for.ts';

export interface ApiServerChild {
  base: string;
  /** The process's id, for its CPU time. */
  pid: number | undefined;
  /** Everything it wrote so far (JSON log lines). */
  output: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `cli api-server` in a process of its own, on a free port, with `env` over this process's
 * environment: a server measured from outside shares no event loop with the load that measures it.
 * Resolves once /healthz answers.
 */
export async function startApiServerChild(env: Record<string, string>, { timeoutMs = 60_000 } = {}): Promise<ApiServerChild> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'src', 'cli.ts'), 'api-server'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${base}/healthz`)).ok, {
      what: `the api-server on port ${port} answering /healthz`,
      timeoutMs,
      intervalMs: 100,
      abortIf: () => (child.exitCode === null ? undefined : `the api-server exited with ${child.exitCode}:\n${output}`),
      hint: () => `it wrote:\n${output.slice(-4_000)}`,
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    base,
    pid: child.pid,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

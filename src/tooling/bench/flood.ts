import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, get } from 'node:http';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describeHashParams } from '../../service/users/password-hash.ts';
import { hashParamsOf } from '../../service/users/password-hashing.ts';
import { startApiServerChild } from './api-server-child.ts';
import type { BenchContext } from './bench-context.ts';
import type { FloodAnswer, FloodClientLine } from './flood-client.ts';
import { roundSummary, summarize } from './percentiles.ts';
import { cpuMsOf, eventLoopCpuMsOf } from './process-cpu.ts';
import { checkRegistrationRows, settleRegistrations } from './registration-rows.ts';
import type { Flood } from './report-schema.ts';

/**
 * `requests` registrations sent at once to a real api-server process with the configured hashing
 * queue (rate limit off: one client sends them all). Measures how fast the accepted ones and the
 * shed ones (503 OVERLOADED) are answered, how /healthz answers meanwhile (probed back to back,
 * from the first request to the last answer), and that the database holds exactly the accepted
 * registrations, each whole. Three processes: the api-server, the client that floods it
 * (flood-client.ts) and this one, which only probes /healthz, so neither the client's work nor the
 * probe's timing shares an event loop with anything else; the CPU each process spent is reported.
 */
export async function runFlood(context: BenchContext, { requests, drainTimeoutMs }: { requests: number; drainTimeoutMs: number }): Promise<Flood> {
  const { config, db, tag, progress } = context;
  const hashing = describeHashParams(hashParamsOf(config));
  progress(`flood: ${requests} registrations at once, ${hashing}, HASH_CONCURRENCY ${config.HASH_CONCURRENCY}, HASH_QUEUE_MAX ${config.HASH_QUEUE_MAX}`);
  const server = await startApiServerChild({ RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' });
  const emails = Array.from({ length: requests }, (_, index) => `bench-${tag}-flood-${index}@bench.example.com`);
  const healthz: number[] = [];
  let healthzFailures = 0;
  let answers: FloodAnswer[];
  let cpuMs: { server: number; serverEventLoop: number; client: number };
  try {
    const serverCpuBefore = await cpuMsOf(server.pid);
    const eventLoopCpuBefore = await eventLoopCpuMsOf(server.pid);
    const client = startFloodClient(server.base, emails);
    await client.started;
    let flooding = true;
    const probe = (async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (flooding) {
        const sent = performance.now();
        // A probe that fails is a result (the server did not answer), not a reason to stop probing.
        const ok = await getStatus(agent, `${server.base}/healthz`).then(
          (status) => status === 200,
          () => false,
        );
        if (ok) healthz.push(performance.now() - sent);
        else healthzFailures++;
        await delay(5);
      }
      agent.destroy();
    })();
    const result = await client.done.finally(() => (flooding = false));
    await probe;
    answers = result.answers;
    cpuMs = {
      server: (await cpuMsOf(server.pid)) - serverCpuBefore,
      serverEventLoop: (await eventLoopCpuMsOf(server.pid)) - eventLoopCpuBefore,
      client: result.cpuMs,
    };
  } finally {
    await server.stop();
  }

  const statuses: Record<string, number> = {};
  for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
  const accepted = answers.filter((answer) => answer.status === 201);
  const acceptedIds = accepted.map((answer) => answer.id!);
  const rows = await checkRegistrationRows(db, emails, acceptedIds);
  progress(`  CPU: api-server ${Math.round(cpuMs.server)} ms (its event loop ${Math.round(cpuMs.serverEventLoop)} ms), client ${Math.round(cpuMs.client)} ms`);
  progress(
    `  ${accepted.length} accepted, ${statuses[503] ?? 0} shed (503), ${statuses['no answer'] ?? 0} without an answer; ${healthz.length} /healthz probes (${healthzFailures} failed); rows ${rows.ok ? 'whole' : 'PARTIAL'}`,
  );
  if (rows.ok) await settleRegistrations(context, acceptedIds, drainTimeoutMs);
  const floor = await floodTheFloor(emails);
  progress(
    `  floor: a bare node:http 503 server under the same flood: p50 ${floor.answered.p50} ms, p99 ${floor.answered.p99} ms, its CPU ${floor.serverCpuMs} ms`,
  );
  return {
    hashing,
    hashConcurrency: config.HASH_CONCURRENCY,
    hashQueueMax: config.HASH_QUEUE_MAX,
    requests,
    statuses,
    accepted: roundSummary(summarize(accepted.map((answer) => answer.ms))),
    shed: roundSummary(summarize(answers.filter((answer) => answer.status === 503).map((answer) => answer.ms))),
    healthz: roundSummary(summarize(healthz)),
    healthzFailures,
    cpuMs,
    rows,
    floor,
  };
}

const bareServerPath = fileURLToPath(new URL('./bare-shed-server.ts', import.meta.url));

/** The same flood against bare-shed-server.ts: what node:http alone takes to answer it here. */
async function floodTheFloor(emails: string[]): Promise<NonNullable<Flood['floor']>> {
  const child = spawn(process.execPath, [bareServerPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    // A server that dies before it listens must fail the step, not leave it waiting for a line.
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`the bare 503 server exited with ${code} before it listened (its errors are above)`);
    });
    const [line] = (await Promise.race([once(createInterface({ input: child.stdout }), 'line'), exited])) as [string];
    const { port } = JSON.parse(line) as { port: number };
    const cpuBefore = await cpuMsOf(child.pid);
    const client = startFloodClient(`http://127.0.0.1:${port}`, emails);
    const { answers } = await client.done;
    return {
      answered: roundSummary(summarize(answers.filter((answer) => answer.status === 503).map((answer) => answer.ms))),
      serverCpuMs: Math.round((await cpuMsOf(child.pid)) - cpuBefore),
    };
  } finally {
    child.kill('SIGTERM');
  }
}

const clientPath = fileURLToPath(new URL('./flood-client.ts', import.meta.url));

/** flood-client.ts as a child: `started` once its first request leaves, `done` with every answer and its CPU time. */
function startFloodClient(base: string, emails: string[]): { started: Promise<void>; done: Promise<{ answers: FloodAnswer[]; cpuMs: number }> } {
  const child = spawn(process.execPath, [clientPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify({ base, emails }));
  const lines = createInterface({ input: child.stdout });
  let started: () => void = () => {};
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const done = new Promise<{ answers: FloodAnswer[]; cpuMs: number }>((resolve, reject) => {
    lines.on('line', (line) => {
      const message = JSON.parse(line) as FloodClientLine;
      if ('started' in message) started();
      else resolve(message);
    });
    // 'close', not 'exit': every line it wrote has been read by then.
    child.once('close', (code) => {
      started();
      reject(new Error(`the flood client exited with ${code} before reporting its answers (its errors are above)`));
    });
  });
  // Awaited only once it has started: a crash before that must not count as an unhandled rejection.
  done.catch(() => {});
  return { started: startedPromise, done };
}

/** One GET on a kept-alive connection: its status once the body is read. */
function getStatus(agent: Agent, url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode));
      response.once('error', reject);
    }).once('error', reject);
  });
}

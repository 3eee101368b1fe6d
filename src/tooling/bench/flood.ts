import { setTimeout as delay } from 'node:timers/promises';
import { describeHashParams } from '../../service/users/password-hash.ts';
import { hashParamsOf } from '../../service/users/password-hashing.ts';
import { startApiServerChild } from './api-server-child.ts';
import type { BenchContext } from './bench-context.ts';
import { roundSummary, summarize } from './percentiles.ts';
import { checkRegistrationRows, settleRegistrations } from './registration-rows.ts';
import type { Flood } from './report-schema.ts';

interface Answer {
  /** The HTTP status, or 'no answer' when the connection failed (refused, reset). */
  status: number | 'no answer';
  ms: number;
  id?: string;
}

/**
 * `requests` registrations sent at once to a real api-server process with the configured hashing
 * queue (rate limit off: one client sends them all). Measures how fast the accepted ones and the
 * shed ones (503 OVERLOADED) are answered, how /healthz answers meanwhile (probed back to back,
 * from the first request to the last answer), and that the database holds exactly the accepted
 * registrations, each whole.
 */
export async function runFlood(context: BenchContext, { requests, drainTimeoutMs }: { requests: number; drainTimeoutMs: number }): Promise<Flood> {
  const { config, db, tag, progress } = context;
  const hashing = describeHashParams(hashParamsOf(config));
  progress(`flood: ${requests} registrations at once, ${hashing}, HASH_CONCURRENCY ${config.HASH_CONCURRENCY}, HASH_QUEUE_MAX ${config.HASH_QUEUE_MAX}`);
  const server = await startApiServerChild({ RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' });
  const emails = Array.from({ length: requests }, (_, index) => `bench-${tag}-flood-${index}@bench.example.com`);
  const healthz: number[] = [];
  let healthzFailures = 0;
  let answers: Answer[];
  try {
    let flooding = true;
    const probe = (async () => {
      while (flooding) {
        const sent = performance.now();
        // A probe that fails is a result (the server did not answer), not a reason to stop probing.
        const ok = await fetch(`${server.base}/healthz`).then(
          async (response) => {
            await response.arrayBuffer();
            return response.status === 200;
          },
          () => false,
        );
        if (ok) healthz.push(performance.now() - sent);
        else healthzFailures++;
        await delay(5);
      }
    })();
    answers = await Promise.all(
      emails.map(async (email, index): Promise<Answer> => {
        const sent = performance.now();
        try {
          const response = await fetch(`${server.base}/api/v1/users`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password: `bench password ${index}` }),
          });
          const body = (await response.json()) as { id?: string };
          return { status: response.status, ms: performance.now() - sent, id: body.id };
        } catch {
          // Refused or reset: counted, and the rows check still covers this email.
          return { status: 'no answer', ms: performance.now() - sent };
        }
      }),
    );
    flooding = false;
    await probe;
  } finally {
    await server.stop();
  }

  const statuses: Record<string, number> = {};
  for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
  const accepted = answers.filter((answer) => answer.status === 201);
  const acceptedIds = accepted.map((answer) => answer.id!);
  const rows = await checkRegistrationRows(db, emails, acceptedIds);
  progress(
    `  ${accepted.length} accepted, ${statuses[503] ?? 0} shed (503), ${statuses['no answer'] ?? 0} without an answer; ${healthz.length} /healthz probes (${healthzFailures} failed); rows ${rows.ok ? 'whole' : 'PARTIAL'}`,
  );
  if (rows.ok) await settleRegistrations(context, acceptedIds, drainTimeoutMs);
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
    rows,
  };
}

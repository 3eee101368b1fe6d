import { createConnection, type Socket } from 'node:net';
import { text } from 'node:stream/consumers';
import { parseAnswer } from './http-answer.ts';

/**
 * The flood's client, run as a process of its own (flood.ts starts it): the 500 requests' own
 * work (connecting, writing, parsing the answers) then runs on its own event loop, not the one that
 * times /healthz, and its CPU is measured apart from the server's. Raw sockets, one per request as
 * 500 separate clients would have, all connected before the first request is written: a request's
 * time is then the server's (parse, decide, answer) and not the client's own queue of 500 connects
 * and response parsers, which on a machine whose two cores the server shares (fetch's web streams
 * cost about 2 ms of CPU per request) said more about the client than about the server.
 *
 * Reads `{ base, emails }` as JSON on stdin; writes one JSON line `{ started }` when the first
 * request leaves, then one `{ answers, cpuMs }` line when every answer is in.
 */
export interface FloodAnswer {
  /** The HTTP status, or 'no answer' when the connection failed (refused, reset). */
  status: number | 'no answer';
  ms: number;
  id?: string;
}

export type FloodClientLine = { started: true } | { answers: FloodAnswer[]; cpuMs: number };

/** A raw HTTP/1.1 connection, opened before the flood starts. */
function connect(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port, noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes one registration on an open connection; resolves with its answer (or 'no answer' if the connection fails first). */
function register(socket: Socket, host: string, email: string, index: number): Promise<FloodAnswer> {
  const body = JSON.stringify({ email, password: `bench password ${index}` });
  const request = `POST /api/v1/users HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const sent = performance.now();
    // Refused or reset: counted, and the rows check still covers this email.
    const fail = () => resolve({ status: 'no answer', ms: performance.now() - sent });
    socket.once('error', fail);
    socket.once('close', fail);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseAnswer(received);
      if (answer === undefined) return;
      const ms = performance.now() - sent;
      resolve({ status: answer.status, ms, id: answer.status === 201 ? (JSON.parse(answer.body) as { id: string }).id : undefined });
      socket.destroy();
    });
    socket.write(request);
  });
}

async function main(): Promise<void> {
  const { base, emails } = JSON.parse(await text(process.stdin)) as { base: string; emails: string[] };
  const { hostname, port } = new URL(base);
  const cpu = process.cpuUsage();
  const sockets = await Promise.all(emails.map(() => connect(hostname, Number(port))));
  process.stdout.write(`${JSON.stringify({ started: true } satisfies FloodClientLine)}\n`);
  const answers = await Promise.all(emails.map((email, index) => register(sockets[index]!, hostname, email, index)));
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ answers, cpuMs: (used.user + used.system) / 1_000 } satisfies FloodClientLine)}\n`);
}

await main();

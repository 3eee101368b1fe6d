import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/service/logger.ts';

/** A real pino logger whose JSON lines the test can read. */
export function captureLogs(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines: () => lines };
}

import { createServer } from 'node:http';
import { AppError } from '../../service/errors.ts';
import { retryAfterSeconds, toErrorResponse } from '../../service/http/error-body.ts';

/**
 * The flood's floor: a bare node:http server that answers every request with the early shed's
 * 503 (same status, headers and body size) and does nothing else. The flood sent to it measures
 * what node:http alone costs per connection on this machine, so the api-server's shed figures
 * read against the least any Node server could do. Run as a process of its own by flood.ts;
 * writes `{ port }` as one JSON line once it listens.
 */
const error = new AppError('OVERLOADED', 'the server is busy with 33 registrations; retry in a moment');
const { status, body } = toErrorResponse(error, '00000000-0000-4000-8000-000000000000');
const payload = JSON.stringify(body);
const server = createServer((_request, response) => {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'retry-after': String(retryAfterSeconds(error.code)),
    'x-request-id': '00000000-0000-4000-8000-000000000000',
  });
  response.end(payload);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));

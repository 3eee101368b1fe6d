import { AppError } from '../../service/errors.ts';
import { canConnect } from './health-checks.ts';
import { describePortOwner, findPortOwner, type PortOwner } from './listening-ports.ts';
import type { StackContext, StackProcess } from './stack-process.ts';

/**
 * A port held by someone else would make the JVM fail half a minute later with a bind error deep
 * in its log; failing now can name the holder.
 */
export async function assertPortsFree(process: StackProcess, context: StackContext): Promise<void> {
  for (const port of process.ports(context)) {
    let owner: PortOwner | undefined;
    try {
      owner = await findPortOwner(port);
    } catch {
      // No ss on this machine: a connection attempt still tells whether the port is taken.
      owner = (await canConnect('127.0.0.1', port)) ? { port, pid: undefined, name: undefined } : undefined;
    }
    if (owner !== undefined) {
      throw new AppError(
        'PORT_IN_USE',
        `${process.name} cannot start: ${describePortOwner(owner)}; stop that process (a stack started from another checkout stops with its own \`make down\`)`,
      );
    }
  }
}

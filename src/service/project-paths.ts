import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: the service reads debezium/ and migrations/ from it, the tooling writes STACK_DIR under it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const debeziumDir = path.join(repoRoot, 'debezium');
export const migrationsDir = path.join(repoRoot, 'migrations');

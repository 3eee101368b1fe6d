import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { databaseSlots, dropReplicationSlot } from '../../service/cdc/replication-slot.ts';
import type { Config } from '../../service/config.ts';
import { sqlStateOf } from '../../service/db/database-errors.ts';
import { maintenanceUrl, withPgClient } from '../../service/db/single-client.ts';
import { AppError, isAppError } from '../../service/errors.ts';
import { displayPath, stackPaths } from './paths.ts';
import { ensurePostgresReady } from './postgres-setup.ts';
import { progress } from './progress.ts';
import { stackDown } from './stack-down.ts';
import { stackUp } from './stack-up.ts';

/**
 * Runs a command (the test suite) on a stack of its own: its own database, Kafka, Connect,
 * connector, topics and application processes, created from nothing and stopped afterwards, so
 * a developer's `make up` stack never sees a test row, a poison record or a dead letter.
 *
 * Whatever a previous run left behind (it was killed, or the machine rebooted mid-run) is removed
 * first; afterwards every replication slot of the test database is dropped, since a slot nobody
 * reads makes PostgreSQL keep WAL forever. The database itself stays, for reading after a failure.
 */
export async function stackTest(config: Config, command: string[]): Promise<number> {
  const database = assertThrowaway(config);
  progress(`test stack: database ${database}, Kafka ${config.KAFKA_BROKERS}, Connect ${config.CONNECT_URL}, state in ${displayPath(stackPaths(config).root)}`);
  await resetTestStack(config, database);
  try {
    await stackUp(config);
    return await runInherited(command);
  } finally {
    progress('stopping the test stack');
    await stackDown(config);
    await dropSlots(config);
  }
}

/** Refuses to wipe anything that does not say it is a test database: the reset drops it. */
function assertThrowaway(config: Config): string {
  const database = decodeURIComponent(new URL(config.DATABASE_URL).pathname.slice(1));
  if (!database.endsWith('_test')) {
    throw new AppError(
      'CONFIG_INVALID',
      `stack test drops and recreates the database in DATABASE_URL; its name must end in _test, got ${database} (run it through make test)`,
    );
  }
  if (stackPaths(config).root === stackPaths({ STACK_DIR: '.stack' }).root) {
    throw new AppError('CONFIG_INVALID', 'stack test removes the state in STACK_DIR; give it its own (make test uses .stack/<test database>)');
  }
  return database;
}

async function resetTestStack(config: Config, database: string): Promise<void> {
  await stackDown(config);
  const paths = stackPaths(config);
  for (const folder of [paths.data, paths.conf, paths.pids, paths.logs]) await rm(folder, { recursive: true, force: true });
  await ensurePostgresReady(config);
  await dropSlots(config);
  await withPgClient(maintenanceUrl(config.DATABASE_URL), (client) => client.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`));
  progress(`test state reset: ${displayPath(paths.root)} emptied, database ${database} dropped (it is created again, empty)`);
}

async function dropSlots(config: Config): Promise<void> {
  const slots = await databaseSlots(config.DATABASE_URL).catch((error: unknown) => {
    // No database yet: no slot either.
    if (isAppError(error) && sqlStateOf(error) === '3D000') return [];
    throw error;
  });
  for (const slot of slots) {
    await dropReplicationSlot(config.DATABASE_URL, slot.slotName);
    progress(`dropped replication slot ${slot.slotName}`);
  }
}

function runInherited([program, ...args]: string[]): Promise<number> {
  if (program === undefined) return Promise.resolve(0);
  progress(`running: ${[program, ...args].join(' ')}`);
  const child = spawn(program, args, { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal, and a SIGTERM is passed on; either way this
  // process must outlive the child to stop the test stack.
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

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, type MigrationResultSet, Migrator } from 'kysely/migration';
import pg from 'pg';
import { AppError } from '../errors.ts';
import { migrationsDir } from '../project-paths.ts';
import type { Db } from './database.ts';
import { classifyDatabaseError, sqlStateOf } from './database-errors.ts';
import { maintenanceUrl, withPgClient } from './single-client.ts';

export type MigrateDirection = 'up' | 'down';

export function createMigrator(db: Db): Migrator {
  return new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder: migrationsDir }) });
}

/** Runs the migrations one way; `down` undoes only the newest one, as a rollback should. */
export async function migrate(db: Db, direction: MigrateDirection): Promise<MigrationResultSet> {
  const migrator = createMigrator(db);
  const resultSet = direction === 'up' ? await migrator.migrateToLatest() : await migrator.migrateDown();
  if (resultSet.error !== undefined) throw classifyDatabaseError(resultSet.error);
  return resultSet;
}

export async function migrationStatus(db: Db): Promise<Array<{ name: string; executedAt: Date | undefined }>> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.map((migration) => ({ name: migration.name, executedAt: migration.executedAt }));
}

/**
 * Creates the database named in the URL when it does not exist yet, so a fresh machine needs no
 * manual `createdb`. It connects to the `postgres` maintenance database to do so.
 */
export async function ensureDatabaseExists(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (name === '' || name === 'postgres') return false;
  try {
    return await withPgClient(maintenanceUrl(url), async (client) => {
      const found = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount !== 0) return false;
      await client.query(`create database ${pg.escapeIdentifier(name)}`);
      return true;
    });
  } catch (error) {
    const appError = classifyDatabaseError(error);
    // Two processes creating the same database at once: the loser sees 42P04 and is done too.
    if (sqlStateOf(appError) === '42P04') return false;
    if (appError.code === 'DATABASE_UNAVAILABLE') {
      throw new AppError('DATABASE_UNAVAILABLE', `PostgreSQL is unreachable at ${target.host}: start it, or set DATABASE_URL`, { cause: error });
    }
    throw appError;
  }
}

import type { CompiledQuery, DatabaseConnection, Dialect, Driver, Kysely, QueryResult, TransactionSettings } from 'kysely';
import { classifyDatabaseError, classifyingDatabaseErrors } from './database-errors.ts';

/**
 * A dialect that hands out exactly what the wrapped one does, except that whatever PostgreSQL or
 * the driver throws leaves it already classified (database-errors.ts). So the service reads
 * error codes, never SQLSTATEs, and a failure elsewhere (a notification sender's network error)
 * can never be mistaken for a database one.
 */
export class ClassifyingDialect implements Dialect {
  readonly #inner: Dialect;

  constructor(inner: Dialect) {
    this.#inner = inner;
  }

  createDriver(): Driver {
    return new ClassifyingDriver(this.#inner.createDriver());
  }

  createQueryCompiler() {
    return this.#inner.createQueryCompiler();
  }

  createAdapter() {
    return this.#inner.createAdapter();
  }

  // biome-ignore lint/suspicious/noExplicitAny: Dialect's own signature takes Kysely<any>.
  createIntrospector(db: Kysely<any>) {
    return this.#inner.createIntrospector(db);
  }
}

class ClassifyingDriver implements Driver {
  readonly #inner: Driver;
  // The wrapped driver must get back its own connection objects (it releases them by private methods).
  readonly #innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  init(): Promise<void> {
    return classifyingDatabaseErrors(() => this.#inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await classifyingDatabaseErrors(() => this.#inner.acquireConnection());
    const outer: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery, options?: Parameters<DatabaseConnection['executeQuery']>[1]): Promise<QueryResult<R>> =>
        classifyingDatabaseErrors(() => inner.executeQuery<R>(query, options)),
      streamQuery: (query, chunkSize, options) => classifyStream(inner.streamQuery(query, chunkSize, options)),
      // Kysely cancels a query whose AbortSignal fired through these (pg_cancel_backend on a side connection).
      ...(inner.cancelQuery === undefined ? {} : { cancelQuery: inner.cancelQuery.bind(inner) }),
      ...(inner.killSession === undefined ? {} : { killSession: inner.killSession.bind(inner) }),
      ...(inner.collectSessionInfo === undefined ? {} : { collectSessionInfo: inner.collectSessionInfo.bind(inner) }),
    };
    this.#innerOf.set(outer, inner);
    return outer;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return classifyingDatabaseErrors(() => this.#inner.beginTransaction(this.#unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return classifyingDatabaseErrors(() => this.#inner.commitTransaction(this.#unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return classifyingDatabaseErrors(() => this.#inner.rollbackTransaction(this.#unwrap(connection)));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(this.#unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }

  #unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.#innerOf.get(connection) ?? connection;
  }
}

async function* classifyStream<R>(stream: AsyncIterableIterator<QueryResult<R>>): AsyncIterableIterator<QueryResult<R>> {
  try {
    yield* stream;
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}

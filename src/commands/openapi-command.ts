import { Command } from 'commander';
import { createDatabase } from '../service/db/database.ts';
import { createApp, openApiDocument } from '../service/http/app.ts';
import { createLogger } from '../service/logger.ts';
import { runAction } from './run-action.ts';

/** Prints the OpenAPI document built from the zod schemas; openapi/openapi.json is its checked-in copy. */
export function openapiCommand(): Command {
  return new Command('openapi').description('print the OpenAPI 3.1 document generated from the code').action(
    runAction(async (config) => {
      // The pool connects lazily: generating the document needs no database.
      const db = createDatabase({ url: config.DATABASE_URL, poolMax: 1 });
      const app = createApp({ db, logger: createLogger('silent'), hashPassword: async () => '' });
      process.stdout.write(`${JSON.stringify(openApiDocument(app), null, 2)}\n`);
      await db.destroy();
    }),
  );
}

import type { Hook } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

/** Every route's failed validation becomes the same 400 body, naming each offending field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const fields = result.error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(body)' : issue.path.join('.'),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  const where =
    result.target === 'param' ? 'path parameter' : result.target === 'json' ? 'request body' : result.target === 'query' ? 'query string' : result.target;
  throw new AppError('VALIDATION_FAILED', `the ${where} is invalid`, { details: fields });
};

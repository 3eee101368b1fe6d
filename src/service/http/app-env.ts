import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from '../logger.ts';

export interface AppEnv {
  Variables: { requestId: string; logger: Logger };
}

export type App = OpenAPIHono<AppEnv>;

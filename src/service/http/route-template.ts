import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/**
 * The route template that answers a request ("/api/v1/users/:id"), never the raw path: a label or
 * span name with bounded values. Middlewares match as method ALL; a request only they matched was
 * answered by no route ("unmatched", the 404).
 */
export function routeTemplate(c: Context): string {
  const handlers = matchedRoutes(c).filter((route) => route.method !== 'ALL');
  return handlers.at(-1)?.path ?? 'unmatched';
}

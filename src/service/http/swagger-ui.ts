import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

// Swagger UI from the pinned npm package swagger-ui-dist, served by the api-server itself: the page
// works without internet and makes no request off the machine (a CDN copy did both wrong).
const distDirectory = fileURLToPath(new URL('.', import.meta.resolve('swagger-ui-dist/package.json')));

const assets: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

// Paths are relative to /swagger, so the page also works behind a proxy that mounts the API under a prefix.
const page = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Transactional outbox demo API</title>
    <link rel="stylesheet" href="swagger/swagger-ui.css">
    <link rel="stylesheet" href="swagger/index.css">
    <link rel="icon" type="image/png" href="swagger/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="swagger/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="swagger/swagger-ui-bundle.js"></script>
    <script src="swagger/initializer.js"></script>
  </body>
</html>
`;

// validatorUrl: null, or the page sends the spec to validator.swagger.io for a badge.
const initializer = `window.ui = SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
  displayRequestDuration: true,
});
`;

// Only this origin: a script or style that tries to load from anywhere else is blocked by the browser.
const contentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function swaggerUiRoutes(): Hono<AppEnv> {
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  const asset = async (name: string) => {
    let bytes = cache.get(name);
    if (bytes === undefined) {
      bytes = new Uint8Array(await readFile(`${distDirectory}${name}`));
      cache.set(name, bytes);
    }
    return bytes;
  };
  return new Hono<AppEnv>()
    .get('/swagger', (c) => {
      c.header('Content-Security-Policy', contentSecurityPolicy);
      return c.html(page);
    })
    .get('/swagger/', (c) => c.redirect('../swagger', 301))
    .get('/swagger/initializer.js', (c) => c.body(initializer, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }))
    .get('/swagger/:file', async (c) => {
      const file = c.req.param('file');
      const type = Object.hasOwn(assets, file) ? assets[file] : undefined;
      if (type === undefined) throw new AppError('NOT_FOUND', `no route for GET ${c.req.path}`);
      return c.body(await asset(file), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' });
    });
}

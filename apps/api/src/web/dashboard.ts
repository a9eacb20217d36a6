import * as fs from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@him/config';

// The page's only backend is /api/v1 on the same origin; ECharts' tooltips carry inline styles.
const CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'";

/**
 * Serves the dashboard (apps/web, built by `npm run build` into WEB_DIR) at `/`. Each built file is its own route
 * (no wildcard), so every other path still reaches the API's own 404 and 405 answers. The page routes in the URL's
 * fragment, so `/` is the only document. Vite names assets by content: they are cached for good, the document never.
 */
export async function serveDashboard(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  if (!fs.existsSync(path.join(config.webDir, 'index.html'))) {
    new Logger('api').warn(`no dashboard at ${config.webDir} (npm run build makes it); the API runs without it`);
    return;
  }
  await app.register(fastifyStatic, {
    root: config.webDir,
    prefix: '/',
    wildcard: false,
    // Our own Cache-Control per file (below), not the plugin's `max-age=0` for all.
    cacheControl: false,
    setHeaders: (res, file) => {
      const immutable = path.basename(path.dirname(file)) === 'assets';
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.setHeader('x-content-type-options', 'nosniff');
      if (file.endsWith('.html')) res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    },
  });
}

import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { AppError } from '../errors.ts';

/** Where `npm run build:portal` writes; PORTAL_DIR points elsewhere (the e2e tests build to a temp dir). */
export const DEFAULT_PORTAL_DIR = fileURLToPath(new URL('../../portal/dist', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/*
 * The portal is all same-origin: scripts and styles from files only (no inline script, no
 * eval), API calls and the live feed to 'self', images from 'self', data: (none yet) and
 * blob: (label previews), camera frames in a <video> from blob:/mediastream.
 */
export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Ordertrace portal not built</title>
<p>The Ordertrace portal is not built yet. Build it with <code>npm run build:portal</code>
(or start everything with <code>npm start</code>, which builds it first), then reload this page.
The API is up: <a href="/api/v1/health">/api/v1/health</a>.</p>`;

const securityHeaders = (reply: FastifyReply) =>
  reply
    .header('content-security-policy', PORTAL_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('permissions-policy', 'camera=(self), microphone=(), geolocation=()');

async function fileIn(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const path = resolve(root, `.${decoded}`);
  // Never outside the build directory, whatever the URL says (../, encoded or not).
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}

/**
 * The built portal at `/`: files from portal/dist, hashed assets cached for a year, and
 * index.html for every other non-API path so the portal's own routes survive a reload.
 */
export const portalStaticRoutes =
  (root = process.env.PORTAL_DIR ?? DEFAULT_PORTAL_DIR): FastifyPluginAsync =>
  async (app) => {
    const dir = resolve(root);
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const urlPath = request.url.split('?')[0] ?? '/';
      if (urlPath.startsWith('/api/'))
        throw new AppError('OT_ERR_NOT_FOUND', `No route GET ${urlPath}.`);
      securityHeaders(reply);
      const file = urlPath === '/' ? null : await fileIn(dir, urlPath);
      if (file) {
        const hashed = urlPath.startsWith('/assets/');
        reply
          .type(TYPES[extname(file)] ?? 'application/octet-stream')
          .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        return reply.send(await readFile(file));
      }
      // A missing asset is a 404, not the app: a stale tab asking for old hashes must fail visibly.
      if (urlPath.startsWith('/assets/'))
        throw new AppError('OT_ERR_NOT_FOUND', `No file ${urlPath}.`);
      const index = await readFile(join(dir, 'index.html')).catch(() => null);
      reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
      if (!index) return reply.code(503).send(NOT_BUILT);
      return reply.send(index);
    });
  };

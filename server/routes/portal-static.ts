import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { spaAnswer } from '#web/static-files.ts';
import { AppError } from '../errors.ts';

/** Where `npm run build:portal` writes; PORTAL_DIR points elsewhere (the e2e tests build to a temp dir). */
export const DEFAULT_PORTAL_DIR = fileURLToPath(new URL('../../portal/dist', import.meta.url));

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

const PORTAL_HEADERS = {
  'referrer-policy': 'same-origin',
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
};

/**
 * The built portal at `/` (web/static-files.ts): files from portal/dist, hashed assets
 * cached for a year, and index.html for every other non-API path so the portal's own
 * routes survive a reload.
 */
export const portalStaticRoutes =
  (root = process.env.PORTAL_DIR ?? DEFAULT_PORTAL_DIR): FastifyPluginAsync =>
  async (app) => {
    const options = { root, csp: PORTAL_CSP, headers: PORTAL_HEADERS, notBuilt: NOT_BUILT };
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const urlPath = request.url.split('?')[0] ?? '/';
      if (urlPath.startsWith('/api/'))
        throw new AppError('OT_ERR_NOT_FOUND', `No route GET ${urlPath}.`);
      const answer = await spaAnswer(options, urlPath);
      if (answer.status === 404) throw new AppError('OT_ERR_NOT_FOUND', `No file ${urlPath}.`);
      if (answer.status === 400) throw new AppError('OT_ERR_VALIDATION', `Bad path ${urlPath}.`);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    });
  };

import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

/*
 * One way to serve a built single-page app (the portal on the server, the station UI in
 * browser mode): files from the build directory, never anything outside it, and the app's
 * index.html for every other path so the app's own routes survive a reload.
 */

const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';
const TYPES: Readonly<Record<string, string>> = {
  '.html': HTML,
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': TEXT,
};

export interface StaticAnswer {
  status: 200 | 400 | 404 | 503;
  headers: Record<string, string>;
  body: Buffer | string;
}

export interface SpaOptions {
  /** The build directory. */
  root: string;
  /** Content-Security-Policy of every page and file. */
  csp: string;
  /** More headers for every answer (Referrer-Policy, Permissions-Policy…). */
  headers?: Record<string, string>;
  /** The page to show (503) when the app has not been built. */
  notBuilt?: string;
}

/**
 * The file a URL path names inside root, or null: the one path-traversal guard. Decoding
 * fails (null) on malformed escapes; `..`, encoded or not, cannot leave root; NUL is refused.
 */
export async function fileInside(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const path = resolve(base, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  if (path !== base && !path.startsWith(base + sep)) return null;
  try {
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}

const isMalformed = (urlPath: string) => {
  try {
    decodeURIComponent(urlPath);
    return false;
  } catch {
    return true;
  }
};

/** What to answer a GET for urlPath (without the query): a file, the app's index, or a 4xx. */
export async function spaAnswer(options: SpaOptions, urlPath: string): Promise<StaticAnswer> {
  const common = {
    'content-security-policy': options.csp,
    'x-content-type-options': 'nosniff',
    ...options.headers,
  };
  if (isMalformed(urlPath))
    return { status: 400, headers: { ...common, 'content-type': TEXT }, body: 'bad path' };
  const file = urlPath === '/' ? null : await fileInside(options.root, urlPath);
  if (file) {
    // Hashed assets never change under their name; everything else is revalidated.
    const hashed = urlPath.startsWith('/assets/');
    return {
      status: 200,
      headers: {
        ...common,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      body: await readFile(file),
    };
  }
  // A missing asset is a 404, not the app: a stale tab asking for old hashes must fail visibly.
  if (urlPath.startsWith('/assets/') || (extname(urlPath) !== '' && !urlPath.endsWith('.html')))
    return {
      status: 404,
      headers: { ...common, 'content-type': TEXT },
      body: `No file ${urlPath}.`,
    };
  const index = await readFile(join(resolve(options.root), 'index.html')).catch(() => null);
  const html = { ...common, 'content-type': HTML, 'cache-control': 'no-cache' };
  if (!index) return { status: 503, headers: html, body: options.notBuilt ?? 'Not built.' };
  return { status: 200, headers: html, body: index };
}

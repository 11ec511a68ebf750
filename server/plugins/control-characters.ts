import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'nul-only': this route carries raw text where other control characters are data (a
     * scanner's GS separator in a station's scan record); NUL is still refused.
     */
    controlCharacters?: 'refuse' | 'nul-only';
  }
}

/** C0 controls and DEL, less tab, line feed and carriage return (addresses have lines). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex -- as above
const NUL = /\u0000/;

const codePoint = (text: string, pattern: RegExp) => {
  const found = pattern.exec(text)?.[0] ?? '';
  return `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
};

/** The path of the first string (or key) with a forbidden character, and which one. */
function findControl(
  value: unknown,
  path: string,
  pattern: RegExp,
  depth = 0,
): { path: string; character: string } | null {
  if (typeof value === 'string')
    return pattern.test(value) ? { path, character: codePoint(value, pattern) } : null;
  if (typeof value !== 'object' || value === null || depth > 64) return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (pattern.test(key)) return { path: at, character: codePoint(key, pattern) };
    const found = findControl(inner, at, pattern, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * One check at the boundary, before any service or database: no control character reaches
 * a service from a path, a query or a body. A preHandler, so who is asking (401/403) and
 * the shape (schema) are answered first. PostgreSQL cannot store NUL at all and SQLite
 * would store it silently; both now answer the same clear 400 (docs/security.md).
 */
export function installControlCharacterCheck(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const pattern = request.routeOptions.config.controlCharacters === 'nul-only' ? NUL : CONTROL;
    for (const [part, value] of [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ] as const) {
      const found = findControl(value, part, pattern);
      if (found) {
        const message = `${found.path}: contains the control character ${found.character}; send text without control characters.`;
        throw new AppError('OT_ERR_VALIDATION', message, [{ path: found.path, message }]);
      }
    }
  });
}

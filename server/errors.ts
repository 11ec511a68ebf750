import { ERROR_CATALOG, type ErrorCode } from '#core/api/errors.ts';

/** An error the API answers with: a stable code from the catalog and a sentence. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  /** Seconds to wait, sent as Retry-After (429s). */
  retryAfter: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message ?? ERROR_CATALOG[code].message);
    this.status = ERROR_CATALOG[code].status;
  }

  withRetryAfter(seconds: number): this {
    this.retryAfter = seconds;
    return this;
  }
}

export const notFound = (what: string) =>
  new AppError('OT_ERR_NOT_FOUND', `${what} was not found.`);
export const forbidden = (why: string) => new AppError('OT_ERR_FORBIDDEN', why);
export const conflict = (why: string) => new AppError('OT_ERR_CONFLICT', why);
export const invalid = (why: string, path = '') =>
  new AppError('OT_ERR_VALIDATION', why, [{ path, message: why }]);

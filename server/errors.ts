import { ERROR_CATALOG, type ErrorCode } from '#core/api/errors.ts';

/** An error the API answers with: a stable code from the catalog and a sentence. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message ?? ERROR_CATALOG[code].message);
    this.status = ERROR_CATALOG[code].status;
  }
}

export const notFound = (what: string) =>
  new AppError('OT_ERR_NOT_FOUND', `${what} was not found.`);
export const forbidden = (why: string) => new AppError('OT_ERR_FORBIDDEN', why);
export const conflict = (why: string) => new AppError('OT_ERR_CONFLICT', why);
export const invalid = (why: string, path = '') =>
  new AppError('OT_ERR_VALIDATION', why, [{ path, message: why }]);

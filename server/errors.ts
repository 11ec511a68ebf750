import { ERROR_CATALOG, type ErrorCode } from '#core/api/errors.ts';
import { englishOf, type ServerMessage } from '#core/api/messages.ts';

/** An error the API answers with: a stable code from the catalog and a sentence. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  /** Seconds to wait, sent as Retry-After (429s). */
  retryAfter: number | undefined;
  /** The sentence for people by key (core/api/messages.ts), when the server wrote one. */
  said: ServerMessage | undefined;

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
/** A refusal people read in their language: its English is `message`, its key goes beside it. */
export const said = (code: ErrorCode, message: ServerMessage, path?: string): AppError => {
  const english = englishOf(message);
  const error = new AppError(
    code,
    english,
    path === undefined ? undefined : [{ path, message: english }],
  );
  error.said = message;
  return error;
};
export const invalid = (why: string, path = '') =>
  new AppError('OT_ERR_VALIDATION', why, [{ path, message: why }]);

import { z } from 'zod';

/**
 * Every error the API answers with, by stable code. The UIs translate by code; the message
 * is English for logs and integrators. One catalog, so a code means one thing everywhere.
 */
export const ERROR_CATALOG = {
  OT_ERR_VALIDATION: { status: 400, message: 'The request is not valid.' },
  OT_ERR_MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  OT_ERR_UNSUPPORTED_MEDIA: {
    status: 415,
    message: 'Send JSON with Content-Type: application/json.',
  },
  OT_ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  OT_ERR_UNAUTHENTICATED: { status: 401, message: 'Log in first.' },
  OT_ERR_BAD_CREDENTIALS: { status: 401, message: 'Wrong email or password.' },
  OT_ERR_TOKEN_REVOKED: { status: 401, message: 'This station token was revoked or expired.' },
  OT_ERR_FORBIDDEN: { status: 403, message: 'You may not do this.' },
  OT_ERR_NOT_FOUND: { status: 404, message: 'Not found.' },
  OT_ERR_ILLEGAL_TRANSITION: {
    status: 409,
    message: 'The order cannot do this in its current state.',
  },
  OT_ERR_CONFLICT: { status: 409, message: 'This conflicts with what is already recorded.' },
  OT_ERR_IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'This Idempotency-Key was used for a different request.',
  },
  OT_ERR_ENROLLMENT: { status: 400, message: 'The enrollment code is unknown, used or expired.' },
  OT_ERR_PROTOCOL: {
    status: 400,
    message: 'This station speaks a sync protocol the server does not.',
  },
  OT_ERR_RESYNC: {
    status: 410,
    message: 'The station is behind the change-log horizon and must resync.',
  },
  OT_ERR_RATE_LIMITED: { status: 429, message: 'Too many attempts; wait and try again.' },
  OT_ERR_INTERNAL: {
    status: 500,
    message: 'Something went wrong on the server; it has been logged.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]];

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    /** Field-level problems for OT_ERR_VALIDATION: where, and what is wrong. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /**
     * The sentence for people by key with parameters (core/api/messages.ts), when the server
     * wrote one: the screens show it in the reader's language; `message` is its English.
     */
    messageKey: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

import type { ZodType } from 'zod';
import { ERROR_CODES, type ErrorCode } from '#core/api/errors.ts';
import { IDEMPOTENCY_KEY_HEADER } from '#core/api/idempotency.ts';

export const UNAUTHENTICATED_EVENT = 'ordertrace:unauthenticated';

/** Codes the portal adds for what never reached the API's error catalog. */
export type ClientErrorCode = 'OT_ERR_NETWORK' | 'OT_ERR_UNAVAILABLE' | 'OT_ERR_BAD_RESPONSE';

/** A sentence the server wrote for people, by key with parameters (core/api/messages.ts). */
export interface Said {
  messageKey: string;
  params: Record<string, string | number>;
}

/**
 * An API refusal, by its stable code (translated by the UI), with the server's sentence and,
 * when the server wrote one for people, that sentence by key (`said`).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly said: Said | null = null,
  ) {
    super(message);
  }
}

const saidIn = (error: { messageKey?: unknown; params?: unknown } | undefined): Said | null =>
  typeof error?.messageKey === 'string' && typeof error.params === 'object' && error.params !== null
    ? { messageKey: error.messageKey, params: error.params as Said['params'] }
    : null;

const knownCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && (ERROR_CODES as string[]).includes(code);

/** More for one request: an Idempotency-Key makes sending it again safe (docs/api.md). */
export interface CallOptions {
  idempotencyKey?: string;
}

async function send(
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers[IDEMPOTENCY_KEY_HEADER] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'OT_ERR_NETWORK', String(error));
  }
  if (response.ok) return response;
  // The session ended (expired, or logged out in another tab): the app returns to login.
  if (response.status === 401) dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined; // a proxy's HTML page, say: reported by status below
  }
  const error = (
    parsed as
      | { error?: { code?: unknown; message?: unknown; messageKey?: unknown; params?: unknown } }
      | undefined
  )?.error;
  const message = typeof error?.message === 'string' ? error.message : response.statusText;
  // A route the server does not have yet (the back office grows with the server).
  if (response.status === 404 && message.startsWith('No route'))
    throw new ApiError(404, 'OT_ERR_UNAVAILABLE', message);
  throw new ApiError(
    response.status,
    knownCode(error?.code) ? error.code : 'OT_ERR_BAD_RESPONSE',
    message,
    saidIn(error),
  );
}

/** JSON in, JSON out, checked against the shared schema when one is given. */
export async function call<T>(
  schema: ZodType<T> | null,
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<T> {
  const response = await send(method, path, method === 'GET' ? undefined : (body ?? {}), options);
  const json: unknown = await response.json();
  if (!schema) return json as T;
  const result = schema.safeParse(json);
  if (!result.success)
    throw new ApiError(response.status, 'OT_ERR_BAD_RESPONSE', result.error.message);
  return result.data;
}

/** A binary answer (PDF, PNG, JSON-LD file) as a Blob. */
export async function callBlob(method: string, path: string, body?: unknown): Promise<Blob> {
  const response = await send(method, path, method === 'GET' ? undefined : (body ?? {}));
  return response.blob();
}

export const query = (params: Record<string, string | undefined>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Save a Blob as a file, the way a download link would. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

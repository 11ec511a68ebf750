import { fetch, type Agent, type Response } from 'undici';
import { errorBodySchema, type ErrorCode } from '#core/api/errors.ts';
import { pinnedAgent } from './pinned-agent.ts';
import { serverUrlsOf, type Enrollment } from './enroll.ts';

/** A sync request that failed: offline (no answer) or refused (an answer with a code). */
export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    message: string,
    readonly kind: 'offline' | 'refused',
    readonly code?: ErrorCode,
    readonly status?: number,
    /** The server asked for this much quiet first (429/503 with Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * A request body already written as JSON (the outbox keeps each event as the text it was
 * recorded as): sent as it is. Anything that serialises it (a test's transport measuring a
 * push) sees the same JSON.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** An answer's JSON body; one cut off on the way is `offline` (ask again). */
export async function jsonBody<T>(response: Response): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch (error) {
    throw new SyncError(`the server's answer was cut off: ${(error as Error).message}`, 'offline');
  }
}

/**
 * HTTPS to the server this station enrolled with, its certificate pinned, its token sent.
 * With several instances (Enrollment.serverUrls) a request the current one does not
 * answer (no connection, a timeout, a 5xx answer) is sent to the next at once, and the
 * station stays with whichever answered. Every sync request may be sent twice: pushes are
 * idempotent (docs/sync.md), the rest only read.
 */
export class SyncHttp {
  readonly agent: Agent;
  private readonly urls: string[];
  private current = 0;

  constructor(
    private readonly enrollment: Enrollment,
    private readonly timeoutMs = 15_000,
  ) {
    this.agent = pinnedAgent(enrollment.certPem, enrollment.fingerprint);
    this.urls = serverUrlsOf(enrollment);
  }

  /** The instance the station talks to now. */
  get serverUrl(): string {
    return this.urls[this.current] ?? this.enrollment.serverUrl;
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    options: { timeoutMs?: number; stream?: boolean; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const payload =
      body === undefined ? undefined : body instanceof JsonText ? body.text : JSON.stringify(body);
    for (let tried = 1; ; tried++) {
      try {
        return await this.requestOnce(method, path, payload, options);
      } catch (error) {
        const unanswered =
          error instanceof SyncError && (error.kind === 'offline' || (error.status ?? 0) >= 500);
        if (!unanswered || tried >= this.urls.length) throw error;
        this.current = (this.current + 1) % this.urls.length;
      }
    }
  }

  private async requestOnce(
    method: 'GET' | 'POST',
    path: string,
    payload: string | undefined,
    options: { timeoutMs?: number; stream?: boolean },
  ): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.serverUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.enrollment.token}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: payload,
        dispatcher: this.agent,
        signal: options.stream
          ? undefined
          : AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: Error & { code?: string } }).cause;
      if (
        cause &&
        (cause.name === 'PinMismatchError' || /CERT|SELF_SIGNED/.test(cause.code ?? ''))
      ) {
        // Another certificate than the one pinned at enrollment: a different server, or a
        // man in the middle. Not "offline": people must look (re-enroll if the server changed).
        throw new SyncError(
          `the server's certificate is not the one pinned at enrollment (${this.serverUrl}: ${cause.message})`,
          'refused',
        );
      }
      throw new SyncError(
        `server unreachable: ${cause?.message ?? (error as Error).message}`,
        'offline',
      );
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    let parsed;
    try {
      parsed = errorBodySchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    const wait = retryAfterMs(response.headers.get('retry-after'));
    if (parsed?.success)
      throw new SyncError(
        parsed.data.error.message,
        'refused',
        parsed.data.error.code,
        response.status,
        wait,
      );
    // A proxy or a half-started server: treat as not there yet.
    throw new SyncError(
      `server answered HTTP ${response.status}`,
      response.status >= 500 ? 'offline' : 'refused',
      undefined,
      response.status,
      wait,
    );
  }

  async json<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<T> {
    const response = await this.request(
      method,
      path,
      body,
      timeoutMs === undefined ? {} : { timeoutMs },
    );
    return jsonBody<T>(response);
  }

  /** Stop: in-flight requests (a live channel, a snapshot) are cut, not waited for. */
  close(): Promise<void> {
    return this.agent.destroy();
  }
}

import { fetch } from 'undici';
import type { ApiClient } from './harness.ts';

/** A server-sent-events feed opened as a browser would: its text so far, and when it ended. */
export interface OpenFeed {
  status: number;
  headers: Headers;
  /** Resolves with how long after `since` the server ended the feed. */
  ended(since: () => number): Promise<number>;
  text(): string;
  cancel(): Promise<void>;
}

export async function openFeed(client: ApiClient, path: string): Promise<OpenFeed> {
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  if (client.bearer) headers.authorization = `Bearer ${client.bearer}`;
  const response = await fetch(client.baseUrl + path, { headers, dispatcher: client.agent });
  let received = '';
  const reader = response.body!.getReader();
  let endedAt: number | undefined;
  const done = (async () => {
    try {
      for (;;) {
        const { done: finished, value } = await reader.read();
        if (finished) break;
        received += Buffer.from(value).toString();
      }
    } catch {
      // A reset ends the feed as well as a clean end.
    }
    endedAt = Date.now();
  })();
  return {
    status: response.status,
    headers: response.headers as unknown as Headers,
    async ended(since) {
      await done;
      return (endedAt ?? Date.now()) - since();
    },
    text: () => received,
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { forEachLine } from './line-reader.ts';
import type { SyncTransport } from './sync-transport.ts';

export interface LiveChannelHooks {
  /** False once the station stops: the channel is not reopened. */
  running(): boolean;
  /** The channel is open: changes will be announced. */
  opened(): void;
  /** The server announced new changes. */
  changed(): void;
  /** The channel could not be opened or dropped; `error` when it failed rather than ended. */
  dropped(error: unknown): void;
  /** Wait before reopening (try number `attempt`, 1 = the first retry). */
  pause(attempt: number): Promise<void>;
}

/** An SSE field line `event: changes` (the space after the colon is optional in SSE). */
const isChangesEvent = (line: string) =>
  line.startsWith('event:') && line.slice('event:'.length).trim() === 'changes';

/**
 * Keep the live channel (server-sent events) open while the station runs, reopening it
 * after a pause when it drops; polling covers the gaps (docs/sync.md, live).
 */
export async function keepLiveChannel(http: SyncTransport, hooks: LiveChannelHooks): Promise<void> {
  let attempt = 0;
  while (hooks.running()) {
    try {
      const response = await http.request(
        'GET',
        `/api/v1/sync/live?protocol=${PROTOCOL_VERSION}`,
        undefined,
        { stream: true },
      );
      attempt = 0;
      hooks.opened();
      await forEachLine((response.body ?? []) as AsyncIterable<Uint8Array>, (line) => {
        if (hooks.running() && isChangesEvent(line)) hooks.changed();
      });
      if (!hooks.running()) return;
      hooks.dropped(undefined);
    } catch (error) {
      if (!hooks.running()) return;
      hooks.dropped(error);
    }
    attempt++;
    await hooks.pause(attempt);
  }
}

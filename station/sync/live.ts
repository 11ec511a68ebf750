import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { forEachLine } from './line-reader.ts';
import type { SyncTransport } from './sync-transport.ts';

export interface LiveChannelHooks {
  /** False once the station stops: the channel is not reopened. */
  running(): boolean;
  /** The channel is open: changes will be announced. */
  opened(): void;
  /**
   * The server announced new changes: `data` is the event's data text, the changes of the
   * station's scope (liveChangesSchema) from a current server, `{}` from an older one.
   */
  changed(data: string): void;
  /** The channel could not be opened or dropped; `error` when it failed rather than ended. */
  dropped(error: unknown): void;
  /** Wait before reopening (try number `attempt`, 1 = the first retry). */
  pause(attempt: number): Promise<void>;
}

/** An SSE field's value: after the colon, one optional space dropped. */
const fieldValue = (line: string, colon: number) =>
  line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1);

/**
 * Server-sent events, line by line: `event:` and `data:` fields gather until a blank line
 * ends the event; comments (the heartbeat) and other fields are skipped.
 */
function sseEvents(onEvent: (event: string, data: string) => void): (line: string) => void {
  let event = '';
  let data: string[] = [];
  return (line) => {
    if (line === '') {
      if (data.length > 0 || event) onEvent(event || 'message', data.join('\n'));
      event = '';
      data = [];
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return;
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : fieldValue(line, colon);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
}

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
      await forEachLine(
        (response.body ?? []) as AsyncIterable<Uint8Array>,
        sseEvents((event, data) => {
          if (hooks.running() && event === 'changes') hooks.changed(data);
        }),
      );
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

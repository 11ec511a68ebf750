import type { CommandReply, StationStreamEvent } from '#core/api/station-api.ts';
import type { StationTransport } from './transport.ts';

/**
 * Browser mode: POST a command, read the event stream; the station validates every call.
 * Both carry the station's HttpOnly cookie (set by the link the station printed), which the
 * page itself never sees; the header proves the request is this page's own fetch.
 */
export function httpTransport(base = ''): StationTransport {
  return {
    async call(name, input) {
      try {
        const response = await fetch(`${base}/api/commands/${name}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'x-ordertrace-station': '1' },
          body: JSON.stringify(input),
        });
        return (await response.json()) as CommandReply;
      } catch (error) {
        return {
          ok: false,
          error: { key: 'device_failed', params: { detail: (error as Error).message } },
        };
      }
    },
    subscribe(listener) {
      // EventSource reconnects by itself when the station restarts.
      const source = new EventSource(`${base}/api/events`);
      source.onmessage = (message) => listener(JSON.parse(message.data) as StationStreamEvent);
      return () => source.close();
    },
  };
}

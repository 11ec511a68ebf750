import type { CommandReply, StationBridge } from '#core/api/station-api.ts';
import type { StationEventsBridge, StationTransport } from './transport.ts';

/** Electron: the preload's bridge, one function per command; the main process validates. */
export function ipcTransport(api: StationBridge, events: StationEventsBridge): StationTransport {
  return {
    // The bridge holds one function per command; indexing by a generic name loses that pairing.
    call: (name, input) =>
      (api[name] as unknown as (value: typeof input) => Promise<CommandReply>)(input),
    subscribe: (listener) => events.subscribe(listener),
  };
}

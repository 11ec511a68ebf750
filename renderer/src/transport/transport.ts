import type {
  CommandReply,
  StationBridge,
  StationCommandInput,
  StationCommandName,
  StationStreamEvent,
} from '#core/api/station-api.ts';

/** How the UI reaches the StationApi: HTTP + SSE in browser mode, IPC in Electron. */
export interface StationTransport {
  call<K extends StationCommandName>(name: K, input: StationCommandInput<K>): Promise<CommandReply>;
  subscribe(listener: (event: StationStreamEvent) => void): () => void;
}

/** What the Electron preload puts on window (electron/preload.ts). */
export interface StationEventsBridge {
  subscribe(listener: (event: StationStreamEvent) => void): () => void;
}

declare global {
  interface Window {
    stationApi?: StationBridge;
    stationEvents?: StationEventsBridge;
  }
}

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  CommandReply,
  StationBridge,
  StationCommandInput,
  StationCommandName,
  StationStreamEvent,
} from '#core/api/station-api.ts';

/*
 * The preload (sandboxed, context-isolated): exposes exactly the StationApi command map and
 * the event stream, nothing of ipcRenderer itself. The main process validates every
 * argument against the shared schemas; nothing here is trusted.
 */
const invoke =
  <K extends StationCommandName>(name: K) =>
  (input: StationCommandInput<K>): Promise<CommandReply> =>
    ipcRenderer.invoke(`station:command:${name}`, input) as Promise<CommandReply>;

const stationApi = {
  state: invoke('state'),
  login: invoke('login'),
  logout: invoke('logout'),
  loadOrder: invoke('loadOrder'),
  scan: invoke('scan'),
  reportProgress: invoke('reportProgress'),
  closePackage: invoke('closePackage'),
  print: invoke('print'),
  printUnitLabel: invoke('printUnitLabel'),
  labelPreview: invoke('labelPreview'),
  reprint: invoke('reprint'),
  addUnits: invoke('addUnits'),
  undoUnits: invoke('undoUnits'),
  dispatch: invoke('dispatch'),
  dismissBlock: invoke('dismissBlock'),
  clearLineStop: invoke('clearLineStop'),
  saveSettings: invoke('saveSettings'),
  testDevice: invoke('testDevice'),
} satisfies StationBridge;

const stationEvents = {
  subscribe(listener: (event: StationStreamEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, value: StationStreamEvent) => listener(value);
    ipcRenderer.on('station:event', forward);
    void ipcRenderer.invoke('station:command:state', {}).then((reply: CommandReply) => {
      if (reply.ok) listener({ type: 'state', state: reply.state });
    });
    return () => ipcRenderer.off('station:event', forward);
  },
};

contextBridge.exposeInMainWorld('stationApi', stationApi);
contextBridge.exposeInMainWorld('stationEvents', stationEvents);

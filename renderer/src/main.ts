import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { StationView } from './lib/station.svelte.ts';
import { httpTransport } from './transport/http-transport.ts';
import { ipcTransport } from './transport/ipc-transport.ts';

// Electron's preload provides the bridge; a plain browser talks HTTP to the station on 127.0.0.1.
const transport =
  window.stationApi && window.stationEvents
    ? ipcTransport(window.stationApi, window.stationEvents)
    : httpTransport();

mount(App, {
  target: document.getElementById('app') as HTMLElement,
  props: { view: new StationView(transport) },
});

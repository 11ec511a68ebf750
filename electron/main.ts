import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { app, BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { STATION_COMMANDS, type StationStreamEvent } from '#core/api/station-api.ts';
import { runCommand } from '#station/service/command-map.ts';
import { runStation, type RunningStation } from '#station/run-station.ts';
import { parseServerUrls } from '#station/sync/enroll.ts';
import { COMMAND_CHANNEL_PREFIX, EVENT_CHANNEL } from './channels.ts';
import { isOwnPage, lockDown, secureWebPreferences } from './window-security.ts';

/*
 * The Electron shell: hosts the station service in the main process and shows the renderer.
 * Thin by design: every rule lives in station/, every IPC argument is validated by the
 * same schemas as the browser transport (runCommand), and the page can reach nothing else.
 *   ordertrace-station [--server URL --enroll CODE (--fingerprint FP | --insecure-first-use)]
 *                      [--kiosk] [--data-dir DIR]
 */
const here = fileURLToPath(new URL('.', import.meta.url));
// Built to electron/dist/main.mjs (npm run build:electron), beside the preload.
const rendererIndex = join(here, '..', '..', 'renderer', 'dist', 'index.html');
const preload = join(here, 'preload.cjs');

const { values: flags } = parseArgs({
  args: process.argv.slice(app.isPackaged ? 1 : 2),
  strict: false,
  options: {
    server: { type: 'string' },
    enroll: { type: 'string' },
    fingerprint: { type: 'string' },
    'insecure-first-use': { type: 'boolean' },
    kiosk: { type: 'boolean' },
    'data-dir': { type: 'string' },
  },
});
const text = (value: string | boolean | undefined) =>
  typeof value === 'string' ? value : undefined;

let station: RunningStation | undefined;
let window: BrowserWindow | undefined;

function fromOwnPage(event: IpcMainInvokeEvent): boolean {
  return event.senderFrame !== null && isOwnPage(event.senderFrame.url, rendererIndex);
}

async function start(): Promise<void> {
  const server = text(flags.server);
  const enrollCode = text(flags.enroll);
  const fingerprint = text(flags.fingerprint);
  station = await runStation({
    dataDir: app.getPath('userData'),
    ...(server ? { servers: parseServerUrls([server]) } : {}),
    ...(enrollCode ? { enrollCode } : {}),
    ...(fingerprint
      ? { trust: { fingerprint } }
      : flags['insecure-first-use'] === true
        ? { trust: { insecureFirstUse: true as const } }
        : {}),
    log: (line) => console.warn(line),
  });
  const running = station;
  for (const name of STATION_COMMANDS) {
    ipcMain.handle(`${COMMAND_CHANNEL_PREFIX}${name}`, (event, input: unknown) =>
      fromOwnPage(event)
        ? runCommand(running.commands, name, input)
        : { ok: false, error: { key: 'invalid_input', params: { detail: 'foreign sender' } } },
    );
  }
  const kiosk = flags.kiosk === true || running.station.settings.kiosk;
  window = new BrowserWindow({
    width: 1280,
    height: 800,
    kiosk,
    fullscreen: kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#f4f5f7',
    webPreferences: secureWebPreferences(preload),
  });
  lockDown(window.webContents, window.webContents.session, rendererIndex);
  running.station.on('event', (event: StationStreamEvent) => {
    if (window && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  });
  await window.loadFile(rendererIndex);
}

// `ordertrace plant` runs one window per role, each with its own data dir; the single-instance
// lock below is per data dir, so each station still runs once.
const dataDir = text(flags['data-dir']);
if (dataDir) app.setPath('userData', dataDir);

// One station app per data dir: a second start focuses the first (it owns the scanner port).
if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void station?.close());
  app.whenReady().then(start, (error: unknown) => {
    console.error(`ordertrace station: ${(error as Error).message}`);
    app.exit(1);
  });
}

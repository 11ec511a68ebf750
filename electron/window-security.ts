import { posix, win32 } from 'node:path';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { STATION_CSP } from '#station/http/station-http.ts';

/**
 * The only page the window may show: the bundled renderer, from this disk. A `file:` URL
 * with a host (`file://evil.example/…`, a UNC share on Windows) is never ours. On Windows
 * the URL path `/C:/Program%20Files/…` names the OS path `C:\Program Files\…`, compared
 * without regard to case as Windows does; elsewhere the paths compare exactly.
 */
export const isOwnPage = (
  url: string,
  rendererIndex: string,
  platform: NodeJS.Platform = process.platform,
): boolean => {
  let parsed: URL;
  let path: string;
  try {
    parsed = new URL(url);
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '' || parsed.search || path.includes('\0'))
    return false;
  if (platform === 'win32') {
    if (!/^\/[A-Za-z]:\//.test(path)) return false;
    const own = win32.normalize(rendererIndex);
    const asOs = win32.normalize(path.slice(1));
    return asOs.toLowerCase() === own.toLowerCase();
  }
  return posix.normalize(path) === path && path === rendererIndex;
};

/** docs/design.md "Security", Electron: isolated, sandboxed, no Node in the page, no remote content. */
export function secureWebPreferences(
  preload: string,
): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
    devTools: process.env.ORDERTRACE_DEVTOOLS === '1',
  };
}

/**
 * No navigation away, no new windows, no permissions, and a CSP on every response. The
 * header covers http(s) answers only: the renderer's own file:// page carries the same
 * policy in its <meta> (renderer/index.html; tests/station/electron-bridge.test.ts keeps
 * the two equal).
 */
export function lockDown(contents: WebContents, session: Session, rendererIndex: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url, rendererIndex)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Camera, microphone, notifications, HID, serial…: the page asks for none, so none is granted.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [STATION_CSP] },
    }),
  );
}

import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

/** The only page the window may show: the bundled renderer, from disk. */
export const isOwnPage = (url: string, rendererIndex: string): boolean => {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' && decodeURIComponent(parsed.pathname) === rendererIndex;
  } catch {
    return false;
  }
};

export const STATION_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

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

/** No navigation away, no new windows, no permissions, and a CSP on every response. */
export function lockDown(contents: WebContents, session: Session, rendererIndex: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url, rendererIndex)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [STATION_CSP] },
    }),
  );
}

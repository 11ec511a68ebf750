import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATION_COMMANDS } from '#core/api/station-api.ts';
import { COMMAND_CHANNEL_PREFIX, EVENT_CHANNEL } from '../../electron/channels.ts';
import { isOwnPage } from '../../electron/window-security.ts';
import { STATION_CSP } from '#station/http/station-http.ts';

/*
 * The Electron binary cannot run here; what can be proved without it is proved: the preload
 * exposes every command on the main process's channels, and the page check refuses
 * look-alikes.
 */
const preload = readFileSync(new URL('../../electron/preload.ts', import.meta.url), 'utf8');

describe('the Electron bridge', () => {
  it('exposes every StationApi command, on the channels the main process handles', () => {
    for (const name of STATION_COMMANDS) expect(preload).toContain(`${name}: invoke('${name}')`);
    expect(preload).toContain(`\`${COMMAND_CHANNEL_PREFIX}\${name}\``);
    expect(preload).toContain(`'${EVENT_CHANNEL}'`);
    expect(preload).not.toMatch(/exposeInMainWorld\(\s*'ipcRenderer'/);
  });

  it('takes only the bundled page as its own', () => {
    const index = '/opt/Ordertrace Station/resources/app/renderer/dist/index.html';
    expect(
      isOwnPage('file:///opt/Ordertrace%20Station/resources/app/renderer/dist/index.html', index),
    ).toBe(true);
    for (const url of [
      'https://evil.example/opt/Ordertrace%20Station/resources/app/renderer/dist/index.html',
      'file:///opt/Ordertrace%20Station/resources/app/renderer/dist/index.html.evil',
      'file:///tmp/index.html',
      'http://127.0.0.1:7400/',
      'javascript:alert(1)',
      'not a url',
      // A host in a file: URL is another machine's file (or a UNC share): never ours.
      'file://evil.example/opt/Ordertrace%20Station/resources/app/renderer/dist/index.html',
      'file:///opt/Ordertrace%20Station/resources/app/renderer/dist/index.html?x=1',
    ])
      expect(isOwnPage(url, index, 'linux'), url).toBe(false);
  });

  it('takes its own page on Windows, where the URL path and the OS path are spelled differently', () => {
    const index =
      'C:\\Program Files\\Ordertrace Station\\resources\\app\\renderer\\dist\\index.html';
    const own =
      'file:///C:/Program%20Files/Ordertrace%20Station/resources/app/renderer/dist/index.html';
    expect(isOwnPage(own, index, 'win32')).toBe(true);
    // Windows paths ignore case; Chromium may spell the drive letter either way.
    expect(isOwnPage(own.replace('C:', 'c:'), index, 'win32')).toBe(true);
    for (const url of [
      'file://evil.example/C:/Program%20Files/Ordertrace%20Station/resources/app/renderer/dist/index.html',
      'file://server/share/Ordertrace%20Station/resources/app/renderer/dist/index.html',
      'file:///D:/Program%20Files/Ordertrace%20Station/resources/app/renderer/dist/index.html',
      'file:///C:/Program%20Files/Ordertrace%20Station/resources/app/renderer/dist/index.html.evil',
      'file:///Program%20Files/Ordertrace%20Station/resources/app/renderer/dist/index.html',
      'https://evil.example/C:/Program%20Files/Ordertrace%20Station/resources/app/renderer/dist/index.html',
    ])
      expect(isOwnPage(url, index, 'win32'), url).toBe(false);
    // The POSIX rules do not take a Windows spelling, nor the other way round.
    expect(isOwnPage(own, index, 'linux')).toBe(false);
  });

  it('gives its file:// page the same CSP as the header gives http pages', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    // frame-ancestors is the one directive a <meta> policy cannot carry.
    expect(meta).toBe(STATION_CSP.replace("; frame-ancestors 'none'", ''));
  });

  it('denies every permission request by default', () => {
    const security = readFileSync(
      new URL('../../electron/window-security.ts', import.meta.url),
      'utf8',
    );
    expect(security).toContain(
      'setPermissionRequestHandler((_contents, _permission, callback) => callback(false))',
    );
    expect(security).toContain('setPermissionCheckHandler(() => false)');
  });
});

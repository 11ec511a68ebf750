import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATION_COMMANDS } from '#core/api/station-api.ts';
import { COMMAND_CHANNEL_PREFIX, EVENT_CHANNEL } from '../../electron/channels.ts';
import { isOwnPage } from '../../electron/window-security.ts';

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
    ])
      expect(isOwnPage(url, index), url).toBe(false);
  });
});

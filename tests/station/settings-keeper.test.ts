import { describe, expect, it } from 'vitest';
import type { StationSettings } from '#core/api/station-api.ts';
import { scannerConfigSchema } from '#core/devices/scanner-config.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import type { StationDevices } from '#station/devices/station-devices.ts';
import { SETTINGS_KEY, SettingsKeeper } from '#station/service/settings-keeper.ts';

/*
 * Saving the settings reopens the devices only when a device's settings changed: applying
 * closes the scanner and opens it again, and a scan read in between is lost, so switching
 * the screen's language in the middle of a shift must leave the scanner alone.
 */
function keeper() {
  const meta = new Map<string, string>();
  const store = {
    meta: (key: string) => meta.get(key),
    setMeta: (key: string, value: string) => void meta.set(key, value),
  } as unknown as ReplicaStore;
  const applied: StationSettings[] = [];
  const devices = {
    apply: async (settings: StationSettings) => void applied.push(settings),
  } as unknown as StationDevices;
  return { settings: new SettingsKeeper(store, devices), applied, meta };
}

describe('station settings and the devices', () => {
  it('switching the language or the kiosk is saved without reopening the devices', async () => {
    const { settings, applied, meta } = keeper();
    await settings.save({ language: 'en' });
    await settings.save({ kiosk: true });
    expect(applied).toEqual([]);
    expect(settings.current).toMatchObject({ language: 'en', kiosk: true });
    expect(JSON.parse(meta.get(SETTINGS_KEY)!)).toMatchObject({ language: 'en', kiosk: true });
  });

  it('a changed device is applied, once per change; the same settings again are not', async () => {
    const { settings, applied } = keeper();
    const wedge = scannerConfigSchema.parse({ kind: 'keyboard-wedge' });
    await settings.save({ scanner: wedge });
    // The same again, and the printer and stack light as they already are: nothing to reopen.
    await settings.save({ scanner: wedge });
    await settings.save({ printer: settings.current.printer, language: 'en' });
    await settings.save({ lineStop: settings.current.lineStop });
    expect(applied.map((s) => s.scanner)).toEqual([wedge]);
    await settings.save({ scanner: null });
    expect(applied.map((s) => s.scanner)).toEqual([wedge, null]);
  });
});

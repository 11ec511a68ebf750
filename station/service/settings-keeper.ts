import { stationSettingsSchema, type StationSettings } from '#core/api/station-api.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import type { StationDevices } from '../devices/station-devices.ts';

export const SETTINGS_KEY = 'station.settings';

export const DEFAULT_SETTINGS: StationSettings = {
  scanner: null,
  printer: { kind: 'dry-run' },
  lineStop: { kind: 'dry-run' },
  language: 'zh-CN',
  kiosk: false,
};

/** The settings that configure a device (the others are the screen's). */
const DEVICE_SETTINGS = ['scanner', 'printer', 'lineStop'] as const;

/** The station's settings: kept in the replica's meta, applied to the devices when saved. */
export class SettingsKeeper {
  current: StationSettings;

  constructor(
    private readonly store: ReplicaStore,
    private readonly devices: StationDevices,
  ) {
    const saved = store.meta(SETTINGS_KEY);
    const parsed = stationSettingsSchema.safeParse(
      saved ? { ...DEFAULT_SETTINGS, ...JSON.parse(saved) } : DEFAULT_SETTINGS,
    );
    this.current = parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  async save(patch: Partial<StationSettings>): Promise<void> {
    const next = stationSettingsSchema.parse({ ...this.current, ...patch });
    // Applying reopens the scanner, printer and stack light: a scan read meanwhile is lost, so
    // a change that leaves them as they are (the language, the kiosk) does not touch them.
    const devicesChanged = DEVICE_SETTINGS.some(
      (key) => JSON.stringify(next[key]) !== JSON.stringify(this.current[key]),
    );
    this.store.setMeta(SETTINGS_KEY, JSON.stringify(next));
    this.current = next;
    if (devicesChanged) await this.devices.apply(next);
  }
}

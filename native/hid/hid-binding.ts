import type { Device, HID } from 'node-hid';
import { messageOf } from '#core/errors/message-of.ts';
import { DeviceError, errnoOf } from '../device-error.ts';

/*
 * The part of node-hid the drivers use. HidDevice is node-hid's own HID class narrowed to
 * what we call, so the real device and fake-hid-device.ts (which feeds recorded reports)
 * are interchangeable.
 */
export type HidDeviceInfo = Device;

export interface HidDevice {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeAllListeners(): unknown;
  close(): void;
  sendFeatureReport(data: number[] | Buffer): number;
  write(values: number[] | Buffer): number;
}

/** Compile-time proof that node-hid's HID class is a HidDevice. */
export const asHidDevice = (device: HID): HidDevice => device;

export interface HidBinding {
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidDevice>;
}

/** The real binding; node-hid is loaded on first use so a missing addon or libusb is an error, not a crash. */
export function createNodeHidBinding(): HidBinding {
  const load = async () => {
    try {
      return await import('node-hid');
    } catch (error) {
      throw new DeviceError(
        'unavailable',
        `the node-hid native module cannot be loaded (is libusb-1.0-0 installed?): ${messageOf(error)}`,
        { cause: error },
      );
    }
  };
  return {
    async devices() {
      return (await load()).devicesAsync();
    },
    async open(path) {
      const { HID } = await load();
      try {
        // node-hid's HID constructor opens synchronously and throws on failure.
        return asHidDevice(new HID(path));
      } catch (error) {
        throw hidOpenError(path, error);
      }
    },
  };
}

export function hidOpenError(path: string, error: unknown): DeviceError {
  const text = messageOf(error);
  if (errnoOf(error) === 'EACCES' || /permission|access/i.test(text)) {
    return new DeviceError(
      'permission',
      `No permission to open ${path}: install build/udev/70-ordertrace-scanners.rules (docs/hardware.md).`,
      { cause: error },
    );
  }
  return new DeviceError('open-failed', `Cannot open ${path}: ${text}`, { cause: error });
}

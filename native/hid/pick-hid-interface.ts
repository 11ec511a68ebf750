import type { ScannerConfigOf } from '#core/devices/scanner-config.ts';
import {
  HID_USAGE_KEYBOARD,
  HID_USAGE_PAGE_BARCODE_SCANNER,
  HID_USAGE_PAGE_GENERIC_DESKTOP,
} from '#core/devices/scanner-likeness.ts';
import type { HidDeviceInfo } from './hid-binding.ts';

/*
 * A scanner offers one hidraw node per USB interface: often a HID POS interface (usage page
 * 0x8C) beside a keyboard one. Pick the one the configured mode reads; `auto` prefers POS,
 * which carries AIM identifiers and needs no key decoding.
 */
export const isPos = (device: HidDeviceInfo) => device.usagePage === HID_USAGE_PAGE_BARCODE_SCANNER;
const isKeyboard = (device: HidDeviceInfo) =>
  device.usagePage === HID_USAGE_PAGE_GENERIC_DESKTOP && device.usage === HID_USAGE_KEYBOARD;

export function pickHidInterface(
  devices: readonly HidDeviceInfo[],
  config: Pick<ScannerConfigOf<'hid'>, 'vendorId' | 'productId' | 'path' | 'mode'>,
): HidDeviceInfo | undefined {
  const ours = devices.filter(
    (device) =>
      device.vendorId === config.vendorId &&
      device.productId === config.productId &&
      device.path !== undefined &&
      (config.path === undefined || device.path === config.path),
  );
  if (config.mode === 'pos') return ours.find(isPos);
  if (config.mode === 'keyboard') return ours.find(isKeyboard);
  return ours.find(isPos) ?? ours.find(isKeyboard) ?? ours[0];
}

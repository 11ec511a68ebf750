/*
 * Does a device look like a barcode scanner? Used by `ordertrace devices` and the settings
 * UI to point the technician at the right port. A guess from ids and HID usages, so every
 * answer carries its reason.
 */

/**
 * USB vendor ids of scanner makers. Generic chip vendors (CH340, STM32) are left out on
 * purpose: they are in every Arduino too.
 */
export const SCANNER_VENDORS: Readonly<Record<number, string>> = {
  0x0c2e: 'Honeywell (Metrologic)',
  0x0536: 'Hand Held Products (Honeywell)',
  0x05e0: 'Zebra (Symbol)',
  0x05f9: 'Datalogic',
  0x1eab: 'Newland',
  0x065a: 'Opticon',
  0x2dd6: 'Zebex',
  0x27dd: 'Inateck',
};

/** HID POS Usage Tables: usage page 0x8C is "Bar Code Scanner". */
export const HID_USAGE_PAGE_BARCODE_SCANNER = 0x8c;
/** HID Usage Tables, Generic Desktop page 0x01, usage 0x06 Keyboard. */
export const HID_USAGE_PAGE_GENERIC_DESKTOP = 0x01;
export const HID_USAGE_KEYBOARD = 0x06;

export interface ScannerLikeness {
  looksLikeScanner: boolean;
  why: string;
}

export interface DeviceIds {
  vendorId?: number;
  productId?: number;
  usagePage?: number;
  usage?: number;
  product?: string;
  manufacturer?: string;
}

const NAMES_A_SCANNER = /scan|barcode|bar code|imager|voyager|xenon|granit|gryphon|quickscan/i;

export function scannerLikeness(device: DeviceIds): ScannerLikeness {
  const vendor = device.vendorId === undefined ? undefined : SCANNER_VENDORS[device.vendorId];
  const named = NAMES_A_SCANNER.test(`${device.manufacturer ?? ''} ${device.product ?? ''}`);
  if (device.usagePage === HID_USAGE_PAGE_BARCODE_SCANNER) {
    return { looksLikeScanner: true, why: 'HID POS barcode scanner interface (usage page 0x8C)' };
  }
  const keyboard =
    device.usagePage === HID_USAGE_PAGE_GENERIC_DESKTOP && device.usage === HID_USAGE_KEYBOARD;
  if (keyboard && (vendor || named)) {
    return {
      looksLikeScanner: true,
      why: `keyboard-mode scanner (${vendor ?? 'named a scanner'}): read it with --hid`,
    };
  }
  if (keyboard) {
    return { looksLikeScanner: false, why: 'a keyboard (a scanner in keyboard mode looks alike)' };
  }
  if (vendor || named) {
    return { looksLikeScanner: true, why: vendor ? `made by ${vendor}` : 'named a scanner' };
  }
  if (device.vendorId === undefined) {
    return { looksLikeScanner: false, why: 'not a USB device (built-in or virtual port)' };
  }
  return { looksLikeScanner: false, why: 'unknown vendor' };
}

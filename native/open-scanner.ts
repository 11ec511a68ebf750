import { scannerConfigSchema } from '#core/devices/scanner-config.ts';
import { DeviceOptionError, validateDeviceConfig } from './device-error.ts';
import { createNodeHidBinding, type HidBinding } from './hid/hid-binding.ts';
import { HidScanner } from './hid/hid-scanner.ts';
import type { Scanner } from './scanner/scanner.ts';
import { createNodeSerialBinding } from './serial/node-serial-binding.ts';
import type { SerialBinding } from './serial/serial-binding.ts';
import { SerialScanner } from './serial/serial-scanner.ts';

/*
 * The one place that turns a scanner config into a scanner. The station calls this and
 * talks to the Scanner interface only; tests pass in-memory or fake bindings.
 */
export interface ScannerBindings {
  serial?: SerialBinding;
  hid?: HidBinding;
}

/**
 * Validate the config (a DeviceOptionError names the bad option), build the scanner and
 * start reading. Resolves once the first attempt is made: connected, or waiting for the
 * scanner with a status that says why. Never rejects for a missing device.
 */
export async function openScanner(
  config: unknown,
  bindings: ScannerBindings = {},
): Promise<Scanner> {
  const valid = validateDeviceConfig('scanner', scannerConfigSchema, config);
  let scanner: Scanner;
  switch (valid.kind) {
    case 'serial':
      scanner = new SerialScanner(valid, bindings.serial ?? createNodeSerialBinding());
      break;
    case 'hid':
      scanner = new HidScanner(valid, bindings.hid ?? createNodeHidBinding());
      break;
    case 'keyboard-wedge':
      throw new DeviceOptionError(
        'kind',
        "scanner option 'kind': a keyboard-wedge scanner is read by the station UI (core/scan/keyboard-burst.ts), not opened here",
      );
  }
  await scanner.open();
  return scanner;
}

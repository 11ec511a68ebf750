import { printerConfigSchema } from '#core/devices/printer-config.ts';
import { validateDeviceConfig } from './device-error.ts';
import { CupsPrinter } from './printers/cups-printer.ts';
import { DryRunPrinter } from './printers/dry-run-printer.ts';
import type { LabelPrinter } from './printers/printer.ts';
import { ZplTcpPrinter } from './printers/zpl-tcp-printer.ts';

/**
 * The one place that turns a printer config into a printer. Validates the config (a
 * DeviceOptionError names the bad option); connects nothing until the first print.
 */
export function openPrinter(config: unknown): LabelPrinter {
  const valid = validateDeviceConfig('printer', printerConfigSchema, config);
  switch (valid.kind) {
    case 'cups':
      return new CupsPrinter(valid);
    case 'zpl-tcp':
      return new ZplTcpPrinter(valid);
    case 'dry-run':
      return new DryRunPrinter();
  }
}

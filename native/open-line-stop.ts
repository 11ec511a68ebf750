import { lineStopConfigSchema } from '#core/devices/line-stop-config.ts';
import { validateDeviceConfig } from './device-error.ts';
import { createNodeHidBinding, type HidBinding } from './hid/hid-binding.ts';
import { DryRunLineStop } from './line-stop/dry-run-line-stop.ts';
import { HidRelay } from './line-stop/hid-relay.ts';
import type { LineStopOutput } from './line-stop/line-stop.ts';
import { ModbusCoil } from './line-stop/modbus-coil.ts';
import { SerialRelay } from './line-stop/serial-relay.ts';
import { createNodeSerialBinding } from './serial/node-serial-binding.ts';
import type { SerialBinding } from './serial/serial-binding.ts';

/**
 * The one place that turns a line-stop config into an output. Validates the config (a
 * DeviceOptionError names the bad option); opens the board on the first signal.
 */
export function openLineStop(
  config: unknown,
  bindings: { serial?: SerialBinding; hid?: HidBinding } = {},
): LineStopOutput {
  const valid = validateDeviceConfig('line-stop output', lineStopConfigSchema, config);
  switch (valid.kind) {
    case 'serial-relay':
      return new SerialRelay(valid, bindings.serial ?? createNodeSerialBinding());
    case 'hid-relay':
      return new HidRelay(valid, bindings.hid ?? createNodeHidBinding());
    case 'modbus-coil':
      return new ModbusCoil(valid);
    case 'dry-run':
      return new DryRunLineStop();
  }
}

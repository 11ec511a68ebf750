import { parseArgs } from 'node:util';
import { listDevices } from '#native/devices/list-devices.ts';
import { printJson } from '../output.ts';
import { EXIT, UsageError } from '../usage-error.ts';

export const devicesUsage = `ordertrace devices
  List serial ports, USB HID devices and CUPS printers, one JSON object per line, with their
  USB ids and whether each looks like a scanner ("looksLikeScanner", "why"). A kind that
  cannot be listed here (native module, udev or CUPS missing) prints
  {"kind": …, "available": false, "reason": …} and the others still show.`;

export async function devicesCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
  if (positionals.length > 0)
    throw new UsageError(`devices takes no arguments, got '${positionals[0]}'`);
  for (const entry of await listDevices()) printJson(entry);
  return EXIT.ok;
}

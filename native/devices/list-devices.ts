import { scannerLikeness } from '#core/devices/scanner-likeness.ts';
import { formatUsbId, usbIdFromText } from '#core/devices/usb-id.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { createNodeHidBinding, type HidBinding } from '../hid/hid-binding.ts';
import { listCupsPrinters } from '../printers/cups-printer.ts';
import { createNodeSerialBinding } from '../serial/node-serial-binding.ts';
import type { SerialBinding } from '../serial/serial-binding.ts';

/*
 * Every device a technician might wire to a station, with its ids and whether it looks like
 * a scanner: what `ordertrace devices` prints. Each kind is listed on its own, so a missing
 * native module, udev or CUPS makes that kind "unavailable, because …" and the rest still
 * shows.
 */
export interface SerialEntry {
  kind: 'serial';
  path: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  serialNumber?: string;
  looksLikeScanner: boolean;
  why: string;
}

export interface HidEntry {
  kind: 'hid';
  path?: string;
  vendorId: string;
  productId: string;
  usagePage?: string;
  usage?: string;
  interface: number;
  manufacturer?: string;
  product?: string;
  looksLikeScanner: boolean;
  why: string;
}

export interface PrinterEntry {
  kind: 'printer';
  name: string;
  state: string;
  isDefault: boolean;
}

export interface UnavailableKind {
  kind: 'serial' | 'hid' | 'printer';
  available: false;
  reason: string;
}

export type DeviceEntry = SerialEntry | HidEntry | PrinterEntry | UnavailableKind;

const hexOf = (value: number | undefined) => (value === undefined ? undefined : formatUsbId(value));

async function serialEntries(binding: SerialBinding): Promise<DeviceEntry[]> {
  const ports = await binding.list();
  return ports.map((port) => ({
    kind: 'serial',
    ...port,
    ...(port.vendorId ? { vendorId: port.vendorId.toLowerCase() } : {}),
    ...(port.productId ? { productId: port.productId.toLowerCase() } : {}),
    ...scannerLikeness({
      ...(port.vendorId ? { vendorId: usbIdFromText(port.vendorId) } : {}),
      ...(port.manufacturer ? { manufacturer: port.manufacturer } : {}),
    }),
  }));
}

async function hidEntries(binding: HidBinding): Promise<DeviceEntry[]> {
  const devices = await binding.devices();
  return devices.map((device) => {
    const usagePage = hexOf(device.usagePage);
    const usage = hexOf(device.usage);
    return {
      kind: 'hid',
      ...(device.path ? { path: device.path } : {}),
      vendorId: formatUsbId(device.vendorId),
      productId: formatUsbId(device.productId),
      ...(usagePage ? { usagePage } : {}),
      ...(usage ? { usage } : {}),
      interface: device.interface,
      ...(device.manufacturer ? { manufacturer: device.manufacturer } : {}),
      ...(device.product ? { product: device.product } : {}),
      ...scannerLikeness(device),
    };
  });
}

async function printerEntries(): Promise<DeviceEntry[]> {
  return (await listCupsPrinters()).map(({ name, state, isDefault }) => ({
    kind: 'printer',
    name,
    state,
    isDefault,
  }));
}

async function orUnavailable(
  kind: UnavailableKind['kind'],
  list: () => Promise<DeviceEntry[]>,
): Promise<DeviceEntry[]> {
  try {
    return await list();
  } catch (error) {
    return [{ kind, available: false, reason: messageOf(error) }];
  }
}

export async function listDevices(
  bindings: {
    serial?: SerialBinding;
    hid?: HidBinding;
    printers?: () => Promise<DeviceEntry[]>;
  } = {},
): Promise<DeviceEntry[]> {
  const lists = await Promise.all([
    orUnavailable('serial', () => serialEntries(bindings.serial ?? createNodeSerialBinding())),
    orUnavailable('hid', () => hidEntries(bindings.hid ?? createNodeHidBinding())),
    orUnavailable('printer', bindings.printers ?? printerEntries),
  ]);
  return lists.flat();
}

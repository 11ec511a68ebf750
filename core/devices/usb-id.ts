import { z } from 'zod';

/*
 * USB vendor and product ids. People copy them from `lsusb`, Windows' device manager or a
 * scanner's manual, in any case and with or without "0x"; we compare them as numbers so
 * "0C2E", "0c2e" and 0x0c2e are the same scanner.
 */
const HEX_ID = /^(?:0x)?([0-9a-f]{1,4})$/i;

export const usbIdSchema = z.union([
  z.number().int().min(0).max(0xffff),
  z
    .string()
    .regex(HEX_ID, 'a USB id is 1 to 4 hexadecimal digits, like 0c2e')
    .transform((text) => Number.parseInt(text.replace(/^0x/i, ''), 16)),
]);

export interface UsbId {
  vendorId: number;
  productId: number;
}

/** "0c2e:0B61" → {vendorId: 0x0c2e, productId: 0x0b61}; undefined when it is not VID:PID. */
export function parseVidPid(text: string): UsbId | undefined {
  const [vendor, product, ...rest] = text.trim().split(':');
  const vendorMatch = HEX_ID.exec(vendor ?? '');
  const productMatch = HEX_ID.exec(product ?? '');
  if (rest.length > 0 || !vendorMatch?.[1] || !productMatch?.[1]) return undefined;
  return {
    vendorId: Number.parseInt(vendorMatch[1], 16),
    productId: Number.parseInt(productMatch[1], 16),
  };
}

/** 0x0c2e → "0c2e", as lsusb prints it. */
export const formatUsbId = (id: number): string => id.toString(16).padStart(4, '0');

export const formatVidPid = ({ vendorId, productId }: UsbId): string =>
  `${formatUsbId(vendorId)}:${formatUsbId(productId)}`;

/**
 * serialport reports ids as the strings udev or the OS gives ("0c2e", sometimes "0C2E");
 * undefined for ports that are not USB.
 */
export function usbIdFromText(text: string | undefined): number | undefined {
  const match = HEX_ID.exec(text ?? '');
  return match?.[1] ? Number.parseInt(match[1], 16) : undefined;
}

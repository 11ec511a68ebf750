import { formatVidPid, usbIdFromText, type UsbId } from '#core/devices/usb-id.ts';
import type { SerialPortInfo } from './serial-binding.ts';

/**
 * The port of a USB device by vendor and product id, compared as numbers so "0C2E" and
 * "0c2e" match. The path of a USB serial adapter can change on every replug
 * (/dev/ttyACM0 → /dev/ttyACM1); its ids do not.
 */
export function findPortByUsbId(
  ports: readonly SerialPortInfo[],
  id: UsbId,
): SerialPortInfo | undefined {
  return ports.find(
    (port) =>
      usbIdFromText(port.vendorId) === id.vendorId &&
      usbIdFromText(port.productId) === id.productId,
  );
}

export const describeUsbId = (id: UsbId): string => `USB id ${formatVidPid(id)}`;

import type { SerialPort as NodeSerialPort } from 'serialport';
import { messageOf } from '#core/errors/message-of.ts';
import { DeviceError, errnoOf } from '../device-error.ts';
import { nativeLog } from '../log.ts';
import type { SerialBinding, SerialConnection } from './serial-binding.ts';

const log = nativeLog('serial');

/*
 * The real SerialBinding over node-serialport. `serialport` is loaded on first use, so a
 * native addon that cannot load is a DeviceError ("unavailable"), not a crash at import.
 */

// bindings-cpp reports open failures as plain messages ("No such file or directory, cannot
// open …") without an errno code; recover the code from the strerror text.
const STRERROR_CODES: readonly [RegExp, string][] = [
  [/no such file or directory/i, 'ENOENT'],
  [/permission denied/i, 'EACCES'],
  [/resource busy|cannot lock/i, 'EBUSY'],
];

const openErrno = (error: unknown) =>
  errnoOf(error) ?? STRERROR_CODES.find(([pattern]) => pattern.test(messageOf(error)))?.[1];

export function openError(path: string, error: unknown): DeviceError {
  switch (openErrno(error)) {
    case 'ENOENT':
      return new DeviceError(
        'not-found',
        `${path} is not there: the scanner or adapter is unplugged.`,
        { cause: error },
      );
    case 'EACCES':
    case 'EPERM':
      return new DeviceError(
        'permission',
        `No permission to open ${path}: add the station's user to the dialout group or install the udev rules (docs/hardware.md).`,
        { cause: error },
      );
    case 'EBUSY':
      return new DeviceError('open-failed', `${path} is in use by another program.`, {
        cause: error,
      });
    default:
      return new DeviceError('open-failed', `Cannot open ${path}: ${messageOf(error)}.`, {
        cause: error,
      });
  }
}

// Reading a pty whose other end closed gives EIO, a USB adapter pulled out ENXIO or EIO;
// node-serialport marks only some of these as disconnects, so we decide here.
const GONE = new Set(['EIO', 'ENXIO', 'ENODEV', 'EBADF']);

function wrap(port: NodeSerialPort, path: string): SerialConnection {
  const closeListeners: ((error?: DeviceError) => void)[] = [];
  let ended = false;
  const end = (error?: DeviceError) => {
    if (ended) return;
    ended = true;
    for (const listener of closeListeners) listener(error);
  };
  const gone = (cause?: unknown) =>
    new DeviceError('disconnected', `The device on ${path} was unplugged or switched off.`, {
      cause,
    });
  port.on('close', (error?: Error & { disconnected?: boolean }) => {
    end(error?.disconnected ? gone(error) : undefined);
  });
  port.on('error', (error: Error) => {
    log('%s: %s', path, error.message);
    end(
      GONE.has(errnoOf(error) ?? '')
        ? gone(error)
        : new DeviceError('open-failed', `${path}: ${error.message}`, { cause: error }),
    );
    if (port.isOpen) port.close(() => undefined);
  });
  return {
    path,
    onData: (listener) => port.on('data', (chunk: Buffer) => listener(chunk)),
    onClose: (listener) => closeListeners.push(listener),
    write: (bytes) =>
      new Promise((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) => {
          if (error)
            reject(
              new DeviceError('write-failed', `Cannot write to ${path}: ${error.message}`, {
                cause: error,
              }),
            );
          else port.drain(() => resolve());
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}

export function createNodeSerialBinding(): SerialBinding {
  const load = async () => {
    try {
      return (await import('serialport')).SerialPort;
    } catch (error) {
      throw new DeviceError(
        'unavailable',
        `the serialport native module cannot be loaded (${messageOf(error)}); reinstall with npm ci`,
        { cause: error },
      );
    }
  };
  return {
    async list() {
      const SerialPort = await load();
      const ports = await SerialPort.list().catch((error: unknown) => {
        // On Linux serialport lists ports through `udevadm info -e`.
        if (errnoOf(error) === 'ENOENT' || /udevadm/.test(messageOf(error))) {
          throw new DeviceError(
            'unavailable',
            `serial ports cannot be listed: udevadm is missing or failed (install the udev package) — ${messageOf(error)}`,
            { cause: error },
          );
        }
        throw error;
      });
      return ports.map((port) => ({
        path: port.path,
        ...(port.vendorId ? { vendorId: port.vendorId } : {}),
        ...(port.productId ? { productId: port.productId } : {}),
        ...(port.manufacturer ? { manufacturer: port.manufacturer } : {}),
        ...(port.serialNumber ? { serialNumber: port.serialNumber } : {}),
      }));
    },
    async open({ path, baudRate, dataBits, parity, stopBits }) {
      const SerialPort = await load();
      const port = new SerialPort({ path, baudRate, dataBits, parity, stopBits, autoOpen: false });
      await new Promise<void>((resolve, reject) => {
        port.open((error) => (error ? reject(openError(path, error)) : resolve()));
      });
      log('opened %s at %d %d%s%d', path, baudRate, dataBits, parity[0]?.toUpperCase(), stopBits);
      return wrap(port, path);
    },
  };
}

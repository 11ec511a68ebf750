import type { ScannerConfigOf } from '#core/devices/scanner-config.ts';
import { formatVidPid } from '#core/devices/usb-id.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { DeviceError } from '../device-error.ts';
import { nativeLog } from '../log.ts';
import { ReconnectingScanner } from '../scanner/reconnecting-scanner.ts';
import { BootKeyboardDecoder } from './boot-keyboard-decoder.ts';
import type { HidBinding, HidDevice } from './hid-binding.ts';
import { HidPosDecoder } from './hid-pos-decoder.ts';
import { isPos, pickHidInterface } from './pick-hid-interface.ts';

const log = nativeLog('hid');

/*
 * A USB HID scanner read through hidraw: HID POS (usage page 0x8C) or keyboard mode (boot
 * keyboard reports). Waits for the scanner when it is not plugged in and reopens it after
 * an unplug, like the serial scanner.
 */
export class HidScanner extends ReconnectingScanner {
  readonly #keyboard = new BootKeyboardDecoder();
  readonly #pos: HidPosDecoder;
  #device: HidDevice | undefined;
  #continuation: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly config: ScannerConfigOf<'hid'>,
    private readonly binding: HidBinding,
  ) {
    super(`the USB HID scanner ${formatVidPid(config)}`, config);
    this.#pos = new HidPosDecoder(config.maxScanBytes);
  }

  protected get connected(): boolean {
    return this.#device !== undefined;
  }

  protected disconnect(): void {
    clearTimeout(this.#continuation);
    this.#release();
  }

  protected cannotOpen(caught: unknown): DeviceError {
    return new DeviceError('open-failed', `Cannot open ${this.description}: ${messageOf(caught)}`, {
      cause: caught,
    });
  }

  protected async connect(): Promise<void> {
    const info = pickHidInterface(await this.binding.devices(), this.config);
    if (!info?.path) {
      throw new DeviceError(
        'not-found',
        `${this.description} is not plugged in (or not in ${this.config.mode} mode).`,
      );
    }
    const path = info.path;
    const device = await this.binding.open(path);
    if (this.closed) {
      device.close();
      return;
    }
    const pos = this.config.mode === 'pos' || (this.config.mode === 'auto' && isPos(info));
    this.#device = device;
    this.#keyboard.reset();
    this.#pos.reset();
    device.on('data', (report: Buffer) =>
      pos ? this.#onPosReport(report, path) : this.#onKeyboardReport(report, path),
    );
    device.on('error', (error: unknown) => this.#onError(device, path, error));
    this.core.setStatus(
      'connected',
      `Reading ${this.description} (${pos ? 'HID POS' : 'keyboard mode'}, ${path}).`,
    );
  }

  #onKeyboardReport(report: Buffer, path: string): void {
    const typed = this.#keyboard.push(report);
    if (typed.length > 0) this.core.pushBytes(Uint8Array.from(typed), path);
  }

  #onPosReport(report: Buffer, path: string): void {
    clearTimeout(this.#continuation);
    const read = this.#pos.push(report);
    if (read?.kind === 'read') this.core.pushFrame({ kind: 'frame', bytes: read.bytes }, path);
    if (read?.kind === 'overlong') this.core.pushFrame(read, path);
    if (!this.#pos.pending) return;
    // A read flagged "continued" whose rest never comes must not swallow the next scan.
    this.#continuation = setTimeout(() => {
      this.#pos.reset();
      this.core.recordError(
        new DeviceError(
          'incomplete',
          `${this.description} started a read and never finished it; the partial read was dropped.`,
        ),
      );
    }, this.config.suffixTimeoutMs);
  }

  #onError(device: HidDevice, path: string, error: unknown): void {
    if (this.#device !== device) return;
    log('%s: %s', path, messageOf(error));
    this.#release();
    this.lost(
      new DeviceError('disconnected', `${this.description} was unplugged.`, { cause: error }),
    );
  }

  #release(): void {
    const device = this.#device;
    this.#device = undefined;
    if (!device) return;
    device.removeAllListeners();
    // node-hid emits 'error' for a removed device and may throw again on close; the
    // device is gone either way.
    device.on('error', () => undefined);
    try {
      device.close();
    } catch (error) {
      log('close after unplug: %s', messageOf(error));
    }
  }
}

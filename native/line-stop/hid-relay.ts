import type { LineStopConfigOf } from '#core/devices/line-stop-config.ts';
import { formatVidPid } from '#core/devices/usb-id.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { DeviceError } from '../device-error.ts';
import type { HidBinding, HidDevice } from '../hid/hid-binding.ts';
import { nativeLog } from '../log.ts';
import { signalFailure, type LineSignal, type LineStopOutput } from './line-stop.ts';

const log = nativeLog('line-stop:hid');

/*
 * The common USB HID relay boards (16c0:05df, "USBRelay1/2/4/8", V-USB firmware). They take
 * one 8-byte feature report per relay: 0xFF = on, 0xFD = off, then the relay number
 * (1-based). With report id 0 in front that is [0x00, 0xFF|0xFD, relay, 0, 0, 0, 0, 0, 0].
 */
const RELAY_ON = 0xff;
const RELAY_OFF = 0xfd;

export function relayReport(relay: number, on: boolean): number[] {
  return [0x00, on ? RELAY_ON : RELAY_OFF, relay, 0, 0, 0, 0, 0, 0];
}

/** Which relays are on for each signal: red and buzzer on a stop, green when cleared. */
export function relayStates(
  relays: LineStopConfigOf<'hid-relay'>['relays'],
  signal: LineSignal,
): [number, boolean][] {
  const states: [number, boolean][] = [[relays.red, signal === 'stop']];
  if (relays.buzzer !== undefined) states.push([relays.buzzer, signal === 'stop']);
  if (relays.green !== undefined) states.push([relays.green, signal === 'clear']);
  // Switch off before on, so red and green are never lit together.
  return states.sort(([, a], [, b]) => Number(a) - Number(b));
}

export class HidRelay implements LineStopOutput {
  readonly description: string;
  #device: HidDevice | undefined;
  #current: LineSignal | undefined;

  constructor(
    private readonly config: LineStopConfigOf<'hid-relay'>,
    private readonly binding: HidBinding,
  ) {
    this.description = `USB HID relay ${formatVidPid(config)}`;
  }

  async signal(signal: LineSignal): Promise<void> {
    try {
      const device = await this.#open();
      for (const [relay, on] of relayStates(this.config.relays, signal)) {
        device.sendFeatureReport(relayReport(relay, on));
      }
      this.#current = signal;
      log('%s', signal);
    } catch (error) {
      this.#drop();
      throw signalFailure(
        signal,
        error,
        (cause) =>
          `the ${this.description} did not take the command (${cause}); it may be unplugged.`,
      );
    }
  }

  current(): LineSignal | undefined {
    return this.#current;
  }

  async close(): Promise<void> {
    this.#drop();
  }

  async #open(): Promise<HidDevice> {
    if (this.#device) return this.#device;
    const { vendorId, productId, path } = this.config;
    const found = (await this.binding.devices()).find(
      (device) =>
        device.vendorId === vendorId &&
        device.productId === productId &&
        (path === undefined || device.path === path),
    );
    if (!found?.path)
      throw new DeviceError('not-found', `The ${this.description} is not plugged in.`);
    const device = await this.binding.open(found.path);
    // A removed board fails its next feature report; until then there is nothing to read.
    device.on('error', (error) => {
      log('%s', messageOf(error));
      if (this.#device === device) this.#drop();
    });
    this.#device = device;
    return device;
  }

  #drop(): void {
    const device = this.#device;
    this.#device = undefined;
    try {
      device?.close();
    } catch (error) {
      log('close: %s', messageOf(error));
    }
  }
}

import { EventEmitter } from 'node:events';
import type { HidBinding, HidDevice, HidDeviceInfo } from './hid-binding.ts';

/*
 * The test double at the HID boundary: an EventEmitter with node-hid's HID methods that
 * replays recorded input reports as 'data' events and records what is sent to it.
 * Unplugging emits the 'error' node-hid emits when a read fails on a removed device.
 */
export class FakeHidDevice extends EventEmitter implements HidDevice {
  readonly featureReports: number[][] = [];
  readonly writes: number[][] = [];
  closed = false;

  replay(reports: readonly (readonly number[])[]): void {
    for (const report of reports) this.emit('data', Buffer.from(report));
  }

  unplug(): void {
    this.emit('error', new Error('could not read from HID device'));
  }

  close(): void {
    this.closed = true;
  }

  sendFeatureReport(data: number[] | Buffer): number {
    if (this.closed) throw new Error('Cannot write to hid device');
    this.featureReports.push([...data]);
    return data.length;
  }

  write(values: number[] | Buffer): number {
    if (this.closed) throw new Error('Cannot write to hid device');
    this.writes.push([...values]);
    return values.length;
  }
}

/** A HidBinding over fake devices that tests plug and unplug. */
export class FakeHidBinding implements HidBinding {
  readonly #plugged = new Map<string, { info: HidDeviceInfo; device: () => FakeHidDevice }>();
  readonly #open = new Map<string, FakeHidDevice>();
  readonly opened: FakeHidDevice[] = [];

  plug(
    info: HidDeviceInfo & { path: string },
    device: () => FakeHidDevice = () => new FakeHidDevice(),
  ) {
    this.#plugged.set(info.path, { info, device });
  }

  unplug(path: string): void {
    this.#plugged.delete(path);
    const device = this.#open.get(path);
    this.#open.delete(path);
    if (device && !device.closed) device.unplug();
  }

  async devices(): Promise<HidDeviceInfo[]> {
    return [...this.#plugged.values()].map((entry) => entry.info);
  }

  async open(path: string): Promise<HidDevice> {
    const entry = this.#plugged.get(path);
    if (!entry) throw new Error(`cannot open device with path ${path}`);
    const device = entry.device();
    this.opened.push(device);
    this.#open.set(path, device);
    return device;
  }
}

import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHidBinding } from '#native/hid/fake-hid-device.ts';
import { DryRunLineStop } from '#native/line-stop/dry-run-line-stop.ts';
import type { LineStopOutput } from '#native/line-stop/line-stop.ts';
import { openLineStop } from '#native/open-line-stop.ts';
import { socatPair, type SocatPair } from './socat-pair.ts';
import { waitFor } from './wait.ts';

/*
 * Line-stop outputs: a serial relay board checked through a socat pty (the test reads
 * the board's end with a real SerialPort), a USB HID relay through a fake HID device.
 */
const outputs: LineStopOutput[] = [];
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((output) => output.close()));
});

describe('serial relay board', () => {
  let pair: SocatPair;
  let board: SerialPort | undefined;
  let received: number[];

  const connectBoard = async () => {
    received = [];
    const port = new SerialPort({ path: pair.device, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(error) : resolve())),
    );
    port.on('data', (chunk: Buffer) => received.push(...chunk));
    port.on('error', () => undefined);
    board = port;
  };
  const disconnectBoard = async () => {
    const port = board;
    board = undefined;
    if (port?.isOpen) await new Promise((resolve) => port.close(resolve));
  };

  beforeEach(async () => {
    pair = await socatPair();
    await connectBoard();
  });
  afterEach(async () => {
    await disconnectBoard();
    await pair.dispose();
  });

  const relay = () => {
    const output = openLineStop({
      kind: 'serial-relay',
      path: pair.port,
      commands: { stop: 'A0 01 01 A2', clear: 'A0:01:00:A1', off: 'A0 02 00 A2' },
    });
    outputs.push(output);
    return output;
  };

  it('sends the configured bytes for stop, clear and off', async () => {
    const output = relay();
    await output.signal('stop');
    await waitFor(() => received.length === 4, 'the stop command');
    expect(received).toEqual([0xa0, 0x01, 0x01, 0xa2]);
    await output.signal('clear');
    await output.signal('off');
    await waitFor(() => received.length === 12, 'clear and off');
    expect(received.slice(4)).toEqual([0xa0, 0x01, 0x00, 0xa1, 0xa0, 0x02, 0x00, 0xa2]);
    expect(output.current()).toBe('off');
  });

  it('fails with a clear error while the board is unplugged, and works again after replug', async () => {
    const output = relay();
    await output.signal('clear');
    await disconnectBoard();
    await pair.unplug();
    await expect(output.signal('stop')).rejects.toMatchObject({
      message: expect.stringMatching(/did not switch to stop/),
    });
    expect(output.current()).toBe('clear');
    await pair.plug();
    await connectBoard();
    await output.signal('stop');
    await waitFor(() => received.length === 4, 'the stop command after replug');
    expect(received).toEqual([0xa0, 0x01, 0x01, 0xa2]);
  });
});

describe('USB HID relay board (16c0:05df)', () => {
  const BOARD = {
    vendorId: 0x16c0,
    productId: 0x05df,
    path: '/dev/hidraw3',
    release: 1,
    interface: 0,
  };

  it('turns red and buzzer on for a stop, green on when cleared, never both lit', async () => {
    const hid = new FakeHidBinding();
    hid.plug(BOARD);
    const output = openLineStop(
      { kind: 'hid-relay', relays: { red: 1, green: 2, buzzer: 3 } },
      { hid },
    );
    outputs.push(output);
    await output.signal('stop');
    await output.signal('clear');
    expect(hid.opened).toHaveLength(1);
    expect(hid.opened[0]?.featureReports).toEqual([
      [0x00, 0xfd, 2, 0, 0, 0, 0, 0, 0],
      [0x00, 0xff, 1, 0, 0, 0, 0, 0, 0],
      [0x00, 0xff, 3, 0, 0, 0, 0, 0, 0],
      [0x00, 0xfd, 1, 0, 0, 0, 0, 0, 0],
      [0x00, 0xfd, 3, 0, 0, 0, 0, 0, 0],
      [0x00, 0xff, 2, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('says the board is not plugged in, and reopens it once it is', async () => {
    const hid = new FakeHidBinding();
    const output = openLineStop({ kind: 'hid-relay', relays: { red: 1 } }, { hid });
    outputs.push(output);
    await expect(output.signal('stop')).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/16c0:05df is not plugged in/),
    });
    hid.plug(BOARD);
    await output.signal('stop');
    hid.unplug(BOARD.path);
    await expect(output.signal('clear')).rejects.toMatchObject({
      message: expect.stringMatching(/did not switch to clear/),
    });
    hid.plug(BOARD);
    await output.signal('clear');
    expect(hid.opened).toHaveLength(2);
  });
});

describe('dry-run line-stop output and config', () => {
  it('only records the signals', async () => {
    const output = openLineStop({ kind: 'dry-run' });
    expect(output).toBeInstanceOf(DryRunLineStop);
    await output.signal('stop');
    await output.signal('clear');
    expect((output as DryRunLineStop).signals).toEqual(['stop', 'clear']);
  });

  it('names the bad option', () => {
    expect(() =>
      openLineStop({
        kind: 'serial-relay',
        path: '/dev/ttyUSB1',
        commands: { stop: 'A0', clear: 'nope' },
      }),
    ).toThrow(expect.objectContaining({ name: 'DeviceOptionError', option: 'commands.clear' }));
  });
});

import modbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import type { LineSignal, LineStopOutput } from '#native/line-stop/line-stop.ts';
import { openLineStop } from '#native/open-line-stop.ts';
import { freePort } from '../sync/sync-harness.ts';
import { stationFixture } from '../station/station-fixture.ts';
import { waitFor } from './wait.ts';

/*
 * The line-stop output as a PLC's coil over Modbus TCP, against a real Modbus TCP server
 * on loopback (modbus-serial's ServerTCP) standing in for the PLC.
 */
const { ServerTCP } = modbusSerial;
const COIL = 5;

interface Plc {
  coils: boolean[];
  close(): Promise<void>;
}

/** A PLC on `port`; `stuck`: it acknowledges writes but its program holds every coil. */
async function startPlc(port: number, options: { stuck?: boolean } = {}): Promise<Plc> {
  const coils: boolean[] = new Array<boolean>(16).fill(false);
  const server = new ServerTCP(
    {
      getCoil: (address: number) => coils[address] ?? false,
      setCoil: (address: number, value: boolean) => {
        if (!options.stuck) coils[address] = value;
      },
    },
    { host: '127.0.0.1', port, unitID: 1 },
  );
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('serverError', (error: unknown) => reject(error as Error));
  });
  return {
    coils,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of server.socks.keys()) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const coilConfig = (port: number) => ({
  kind: 'modbus-coil',
  host: '127.0.0.1',
  port,
  coil: COIL,
  timeoutMs: 300,
  retryMs: 200,
});

const plcs: Plc[] = [];
const outputs: LineStopOutput[] = [];
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((output) => output.close()));
  await Promise.all(plcs.splice(0).map((plc) => plc.close()));
});

describe('Modbus TCP coil line stop', () => {
  it('sets the coil on stop and clears it on clear, verified by reading it back', async () => {
    const port = await freePort();
    const plc = await startPlc(port);
    plcs.push(plc);
    const output = openLineStop(coilConfig(port));
    outputs.push(output);
    await output.signal('stop');
    expect(plc.coils[COIL]).toBe(true);
    expect(output.current()).toBe('stop');
    await output.signal('clear');
    expect(plc.coils[COIL]).toBe(false);
    expect(output.current()).toBe('clear');
  });

  it('drives a run-permit coil the other way round', async () => {
    const port = await freePort();
    const plc = await startPlc(port);
    plcs.push(plc);
    const output = openLineStop({ ...coilConfig(port), stopValue: false });
    outputs.push(output);
    await output.signal('clear');
    expect(plc.coils[COIL]).toBe(true);
    await output.signal('stop');
    expect(plc.coils[COIL]).toBe(false);
  });

  it('refuses a write the PLC acknowledged but does not hold', async () => {
    const port = await freePort();
    plcs.push(await startPlc(port, { stuck: true }));
    const output = openLineStop(coilConfig(port));
    outputs.push(output);
    await expect(output.signal('stop')).rejects.toThrow(/coil 5 reads false, not true/);
    expect(output.current()).toBeUndefined();
  });

  it('says the PLC does not answer, and sets the coil once the PLC is back', async () => {
    const port = await freePort();
    const output = openLineStop(coilConfig(port));
    outputs.push(output);
    const recovered: LineSignal[] = [];
    output.onRecovered?.((signal) => recovered.push(signal));
    await expect(output.signal('stop')).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/PLC at 127\.0\.0\.1:\d+ did not take the stop signal/),
    });
    const plc = await startPlc(port);
    plcs.push(plc);
    await waitFor(() => plc.coils[COIL] === true, 'the coil set', 5000);
    await waitFor(() => recovered.length > 0, 'the recovery reported', 2000);
    expect(recovered).toEqual(['stop']);

    // The PLC restarts (its coils reset) while the line runs again: the next signal reconnects.
    await output.signal('clear');
    await plc.close();
    plcs.splice(plcs.indexOf(plc), 1);
    const again = await startPlc(port);
    plcs.push(again);
    await output.signal('stop');
    expect(again.coils[COIL]).toBe(true);
  });

  it('stops the line at the PLC on a station line stop, and frees it when a supervisor clears it; shows when the PLC is away', async () => {
    const port = await freePort();
    const plc = await startPlc(port);
    plcs.push(plc);
    const f = stationFixture('production');
    try {
      await f.station.start();
      f.station.scan(f.supervisor); // devices are a supervisor's to set up
      const saved = await f.station.saveSettings({ lineStop: coilConfig(port) as never });
      expect(saved.ok).toBe(true);
      f.station.scan(f.operator);
      f.station.scan(f.order);
      const stop = f.station.scan(mintOrderScopedCode('resource', mintOrderCode(), 1));
      expect(stop.ok && stop.decision?.verdict).toBe('line_stop');
      await waitFor(() => plc.coils[COIL] === true, 'the coil set', 3000);
      f.station.scan(f.supervisor);
      const cleared = await f.station.clearLineStop(f.supervisor, 'wrong bin, moved back');
      expect(cleared.ok).toBe(true);
      expect(plc.coils[COIL]).toBe(false);
      expect(f.station.state().devices.lineStop).toMatchObject({ kind: 'modbus-coil', ok: true });

      // The PLC goes away: the next stop still stops the line on screen, and the device says why.
      await plc.close();
      plcs.splice(0);
      f.station.scan(f.order);
      const second = f.station.scan(mintOrderScopedCode('resource', mintOrderCode(), 2));
      expect(second.ok && second.decision?.verdict).toBe('line_stop');
      expect(f.station.state().lineStop).not.toBeNull();
      await waitFor(
        () => f.station.state().devices.lineStop.ok === false,
        'the device status to say the PLC is away',
        3000,
      );
      expect(f.station.state().devices.lineStop.message).toMatch(/did not take the stop signal/);
      // …and comes back: the coil is set, the status is good again.
      const back = await startPlc(port);
      plcs.push(back);
      await waitFor(
        () => back.coils[COIL] === true,
        'the coil set on the PLC that came back',
        5000,
      );
      await waitFor(
        () => f.station.state().devices.lineStop.ok,
        'the device status good again',
        2000,
      );
    } finally {
      await f.close();
    }
  });
});

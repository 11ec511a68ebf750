import { describe, expect, it } from 'vitest';
import { serialScannerConfigSchema } from '#core/devices/scanner-config.ts';
import { DeviceError } from '../device-error.ts';
import { ScannerCore } from './scanner-core.ts';

const OPTIONS = serialScannerConfigSchema.parse({ kind: 'serial', path: '/dev/x' });
const bytes = (text: string) => new TextEncoder().encode(text);

describe('scanner core', () => {
  it('keeps reading when a listener throws', () => {
    const core = new ScannerCore(OPTIONS, 'test scanner', () => 0);
    const seen: string[] = [];
    core.listeners.on('scan', () => {
      throw new Error('a station bug');
    });
    core.listeners.on('scan', (scan) => seen.push(scan.raw));
    core.pushBytes(bytes('RD1\rRD2\r'), '/dev/x');
    expect(seen).toEqual(['RD1', 'RD2']);
    core.dispose();
  });

  it('keeps a bounded record of errors', () => {
    const core = new ScannerCore(OPTIONS, 'test scanner');
    for (let index = 0; index < 120; index += 1)
      core.recordError(new DeviceError('noise', `noise ${index}`));
    expect(core.errors()).toHaveLength(50);
    expect(core.errors()[0]?.message).toBe('noise 70');
    expect(core.status().lastError).toBe('noise 119');
    core.dispose();
  });

  it('reports being unavailable once per distinct sentence', () => {
    const core = new ScannerCore(OPTIONS, 'test scanner');
    const states: string[] = [];
    core.listeners.on('status', (status) => states.push(status.state));
    const missing = new DeviceError('not-found', '/dev/x is not there.');
    core.reportUnavailable(missing);
    core.reportUnavailable(missing);
    core.reportUnavailable(new DeviceError('permission', 'No permission to open /dev/x.'));
    expect(states).toEqual(['waiting', 'error']);
    expect(core.errors()).toHaveLength(2);
    expect(core.status().message).toBe('No permission to open /dev/x. Retrying.');
    core.dispose();
  });

  it('drops a frame that is too long even when the device framed it itself', () => {
    const core = new ScannerCore({ ...OPTIONS, maxScanBytes: 16 }, 'test scanner');
    core.pushFrame({ kind: 'frame', bytes: bytes('X'.repeat(17)) }, 'hid');
    expect(core.errors().map((error) => error.code)).toEqual(['overlong']);
    core.dispose();
  });
});

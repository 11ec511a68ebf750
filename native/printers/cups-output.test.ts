import { describe, expect, it } from 'vitest';
import { parseLpstat, parseMediaSizes, parseRequestId } from './cups-output.ts';

describe('CUPS output parsers', () => {
  it('reads printers, their state and the default from lpstat -p -d', () => {
    const output = [
      'printer Zebra_ZD420 is idle.  enabled since Sat 28 Nov 2026 09:00:00 UTC',
      'printer PDF disabled since Sat 28 Nov 2026 09:00:00 UTC -',
      '\treason unknown',
      'printer Office is printing Office-12.  enabled since Sat 28 Nov 2026 09:00:00 UTC',
      'system default destination: Zebra_ZD420',
    ].join('\n');
    expect(parseLpstat(output)).toEqual([
      { name: 'Zebra_ZD420', enabled: true, state: 'idle', isDefault: true },
      { name: 'PDF', enabled: false, state: 'disabled', isDefault: false },
      { name: 'Office', enabled: true, state: 'printing', isDefault: false },
    ]);
  });

  it('reads media sizes and the default from lpoptions -l', () => {
    const output =
      'Resolution/Resolution: *203dpi\nPageSize/Media Size: w144h72 *w288h432 A6 Custom.WIDTHxHEIGHT\n';
    expect(parseMediaSizes(output)).toEqual({
      sizes: ['w144h72', 'w288h432', 'A6', 'Custom.WIDTHxHEIGHT'],
      default: 'w288h432',
    });
    expect(parseMediaSizes('')).toEqual({ sizes: [] });
  });

  it('reads the job id lp prints', () => {
    expect(parseRequestId('request id is Zebra_ZD420-42 (1 file(s))\n')).toBe('Zebra_ZD420-42');
    expect(parseRequestId('')).toBeUndefined();
  });
});

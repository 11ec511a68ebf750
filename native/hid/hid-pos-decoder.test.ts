import { describe, expect, it } from 'vitest';
import { HidPosDecoder } from './hid-pos-decoder.ts';

/** A recorded 64-byte HID POS scanned-data report: id 2, count, AIM id, data, flags. */
function report(data: string, options: { aim?: string; continued?: boolean } = {}): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes[0] = 0x02;
  bytes[1] = data.length;
  bytes.set(Buffer.from((options.aim ?? '').padEnd(3, '\0'), 'latin1'), 2);
  bytes.set(Buffer.from(data, 'latin1'), 5);
  bytes[63] = options.continued ? 0x01 : 0x00;
  return bytes;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

describe('HID POS decoder', () => {
  it('reads a one-report scan with its AIM identifier', () => {
    const read = new HidPosDecoder(4096).push(report('RD7K2M9QX4T', { aim: ']C0' }));
    expect(read?.kind === 'read' && text(read.bytes)).toBe(']C0RD7K2M9QX4T');
  });

  it('joins a scan split across several reports (Decode Data Continued)', () => {
    const decoder = new HidPosDecoder(4096);
    const data = `]d2${'01095011015300031'}0ABC\u001d21${'X'.repeat(100)}`.slice(3);
    const parts = [data.slice(0, 56), data.slice(56, 112), data.slice(112)];
    expect(decoder.push(report(parts[0] ?? '', { aim: ']d2', continued: true }))).toBeUndefined();
    expect(decoder.pending).toBe(true);
    expect(decoder.push(report(parts[1] ?? '', { aim: ']d2', continued: true }))).toBeUndefined();
    const read = decoder.push(report(parts[2] ?? '', { aim: ']d2' }));
    expect(read?.kind === 'read' && text(read.bytes)).toBe(`]d2${data}`);
    expect(decoder.pending).toBe(false);
  });

  it('adds the "]" flag character when the scanner leaves it out', () => {
    const read = new HidPosDecoder(4096).push(report('123', { aim: 'E0' }));
    expect(read?.kind === 'read' && text(read.bytes)).toBe(']E0123');
  });

  it('never reads past the data bytes, whatever the count byte claims', () => {
    const bad = report('ABC');
    bad[1] = 200;
    const read = new HidPosDecoder(4096).push(bad);
    expect(read?.kind === 'read' && read.bytes.length).toBe(56);
  });

  it('reports an endless continued read as overlong without holding it', () => {
    const decoder = new HidPosDecoder(100);
    for (let index = 0; index < 200; index += 1)
      decoder.push(report('Z'.repeat(56), { continued: true }));
    expect(decoder.push(report('Z'))).toEqual({ kind: 'overlong', length: 200 * 56 + 1 });
  });

  it('ignores reports with another id (feature and status reports)', () => {
    const other = report('RD1');
    other[0] = 0x04;
    expect(new HidPosDecoder(4096).push(other)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { addRow, emptyChecksum, hash53 } from './checksum.ts';

describe('replica checksums', () => {
  it('do not depend on row order', () => {
    const rows = Array.from(
      { length: 100 },
      (_, i) => [`RS${i}`, JSON.stringify({ n: i })] as const,
    );
    const forward = emptyChecksum();
    const backward = emptyChecksum();
    for (const [key, data] of rows) addRow(forward, key, data);
    for (const [key, data] of [...rows].reverse()) addRow(backward, key, data);
    expect(forward).toEqual(backward);
    expect(forward.rows).toBe(100);
  });

  it('change when one row differs, is missing or is extra', () => {
    const base = emptyChecksum();
    addRow(base, 'A', '{"state":"released"}');
    addRow(base, 'B', '{"state":"packed"}');
    const changed = emptyChecksum();
    addRow(changed, 'A', '{"state":"released"}');
    addRow(changed, 'B', '{"state":"shipped"}');
    expect(changed.sum).not.toBe(base.sum);
    const missing = emptyChecksum();
    addRow(missing, 'A', '{"state":"released"}');
    expect(missing).not.toEqual(base);
  });

  it('hashes to 53-bit integers', () => {
    for (const text of ['', 'a', '订单', 'x'.repeat(1000)]) {
      const h = hash53(text);
      expect(Number.isSafeInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
    }
    expect(hash53('a')).not.toBe(hash53('b'));
  });
});

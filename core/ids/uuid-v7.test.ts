import { describe, expect, it } from 'vitest';
import { createUuidV7Generator, UUID_PATTERN, uuidV7Time } from './uuid-v7.ts';

describe('UUIDv7', () => {
  it('has the RFC 9562 version and variant bits and carries its time', () => {
    const next = createUuidV7Generator(() => 1_700_000_000_123);
    const id = next();
    expect(id).toMatch(UUID_PATTERN);
    expect(uuidV7Time(id)).toBe(1_700_000_000_123);
  });

  it('sorts in the order made, within one millisecond and across a clock step back', () => {
    let now = 1_700_000_000_000;
    const next = createUuidV7Generator(() => now);
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) {
      if (i === 2500) now -= 10_000; // NTP steps the clock back
      if (i % 100 === 0) now += 1;
      ids.push(next());
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

/*
 * Replica checksums (docs/sync.md): for each entity kind in a station's scope, the sum of a
 * 53-bit hash of every row's key and data text. A sum does not depend on row order, so the
 * server (from its change log) and the station (from its replica) compute it over their own
 * storage order and compare. Pure, so both ends share this one function.
 */

/** cyrb53: a fast, well-distributed 53-bit string hash (public domain, bryc). */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

// Both terms stay below 2^52, so their sum is exact in a double before the modulo.
const MODULUS = 2 ** 52;

export interface ScopeChecksum {
  rows: number;
  sum: number;
}

export function emptyChecksum(): ScopeChecksum {
  return { rows: 0, sum: 0 };
}

/** Add one row (its key and the exact JSON text of its data) to a running checksum. */
export function addRow(checksum: ScopeChecksum, key: string, dataText: string): void {
  checksum.rows++;
  checksum.sum = (checksum.sum + (hash53(`${key}\n${dataText}`) % MODULUS)) % MODULUS;
}

/*
 * Time-ordered UUIDs (RFC 9562 §5.7) for station events: the outbox sorts by them, the
 * server deduplicates by them. 48 bits of Unix milliseconds, then a 12-bit counter
 * (rand_a, "method 1" of §6.2) so ids made in the same millisecond still sort in the order
 * they were made, then 62 random bits.
 */
export type Clock = () => number;
export type RandomFill = (bytes: Uint8Array) => Uint8Array;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Random bytes drawn from the system 4 KiB at a time: one call into the system's generator
 * per 256 ids instead of one per id (an id is made inside every decision's transaction).
 */
function pooledRandomFill(): RandomFill {
  const pool = new Uint8Array(4096);
  let used = pool.length;
  return (bytes) => {
    if (bytes.length > pool.length) return crypto.getRandomValues(bytes);
    if (used + bytes.length > pool.length) {
      crypto.getRandomValues(pool);
      used = 0;
    }
    bytes.set(pool.subarray(used, used + bytes.length));
    used += bytes.length; // never the same bytes twice
    return bytes;
  };
}

export function createUuidV7Generator(
  clock: Clock = Date.now,
  fill: RandomFill = pooledRandomFill(),
): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = clock();
    if (ms <= lastMs) {
      // Same millisecond, or the clock stepped back: keep order by counting on from last.
      ms = lastMs;
      counter++;
      if (counter > 0xfff) {
        ms = lastMs + 1;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    lastMs = ms;
    const bytes = fill(new Uint8Array(16));
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** The Unix milliseconds a UUIDv7 was made at. */
export function uuidV7Time(uuid: string): number {
  return parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);
}
